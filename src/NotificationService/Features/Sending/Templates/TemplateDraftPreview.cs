using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

public sealed record DraftPreview(IReadOnlyDictionary<string, string> Parts, IReadOnlyList<string> MissingVariables,
    IReadOnlyList<TemplateError> Errors);

/// <summary>
/// The console editor's live preview: renders unsaved parts with the tenant's partials and layout, and answers
/// compile errors with their part, line and column instead of throwing, since the admin is still typing. The cache
/// key is the content's hash, so a draft typed back to an earlier state compiles once; the engine keeps it under the
/// tenant too, so two tenants typing the same draft never share its compiled template.
/// </summary>
public sealed class TemplateDraftPreview(TemplateEngine engine, FragmentStore fragments, TenantStore tenants)
{
    /// <summary>The variables the parts (with the tenant's partials and the layout) read, in first-use order; none when they
    /// do not compile.</summary>
    public async Task<IReadOnlyList<string>> VariablesAsync(Guid tenantId, JsonObject parts, string? layoutName, CancellationToken ct)
    {
        var layout = layoutName is null ? null : (await fragments.GetAsync(tenantId, FragmentStore.Layout, layoutName, ct))?.Source;
        var partials = await fragments.SourcesAsync(tenantId, FragmentStore.Partial, ct);
        var definition = new TemplateDefinition(tenantId, "variables", ChannelParts.ToTemplateParts(parts), partials, layout);
        try { return engine.Validate(definition).Count > 0 ? [] : engine.Variables(definition); }
        catch (Exception e) when (e is not OperationCanceledException) { return []; }   // a sample is a convenience: never a failure
    }

    public async Task<DraftPreview> RenderAsync(Guid tenantId, string channel, JsonObject parts, string? layoutName, JsonObject? data,
        string culture, CancellationToken ct)
    {
        var shapeErrors = new Dictionary<string, string[]>();
        ChannelParts.Check(channel, parts, shapeErrors, await tenants.LinkPolicyAsync(tenantId, ct));
        if (shapeErrors.Count > 0)
            return new(new Dictionary<string, string>(), [],
                shapeErrors.SelectMany(e => e.Value.Select(m => new TemplateError(e.Key, 1, 1, m))).ToList());

        var layout = layoutName is null ? null : (await fragments.GetAsync(tenantId, FragmentStore.Layout, layoutName, ct))?.Source;
        var partials = await fragments.SourcesAsync(tenantId, FragmentStore.Partial, ct);
        var key = "draft:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(parts.ToJsonString() + "\u0000" + layout + "\u0000"
            + string.Join("\u0000", partials.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)))));
        var definition = new TemplateDefinition(tenantId, key, ChannelParts.ToTemplateParts(parts), partials, layout);
        var errors = engine.Validate(definition);
        if (errors.Count > 0) return new(new Dictionary<string, string>(), [], errors);
        try
        {
            var result = engine.Render(definition, data ?? new JsonObject(), new RenderOptions(culture));
            return new(result.Parts, result.MissingVariables, []);
        }
        // Anything else a helper or Handlebars.Net throws on this data is the draft's error too, as TemplateTrial
        // answers it (422 render_error): the admin is typing, and no draft may turn into a 500.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new(new Dictionary<string, string>(), [], [new TemplateError("data", 1, 1, e.Message)]);
        }
    }
}
