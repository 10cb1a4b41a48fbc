using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

/// <summary>What a new version stores: its own content plus copies of the partials and layout it uses.</summary>
public sealed record VersionContent(JsonObject Parts, string[] OptionalVariables, string? LayoutName, string? Layout,
    Dictionary<string, string> Partials);

/// <summary>
/// Save-time validation: part schemas, then the engine (syntax with line/column, unknown helpers, missing or
/// recursive partials, 256 KB) against the tenant's current partials and layout. Anything wrong is a 400 (a source
/// past <see cref="TemplateLimits"/>: 422) and nothing is saved. On success the partials the template reaches are copied into the version.
/// </summary>
public sealed class TemplateValidator(TemplateEngine engine, FragmentStore fragments, TenantStore tenants)
{
    public async Task<VersionContent> PrepareAsync(Guid tenantId, string channel, TemplateRequest req, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        ChannelParts.Check(channel, req.Parts, errors, await tenants.LinkPolicyAsync(tenantId, ct));
        TemplateRules.CheckOptionalVariables(req.OptionalVariables, errors);
        if (req.Description is { Length: > 500 }) errors["description"] = ["At most 500 characters."];
        string? layout = null;
        if (req.Layout is not null)
        {
            if (channel != ChannelNames.Email) errors["layout"] = ["Only email templates have a layout."];
            else if (await fragments.GetAsync(tenantId, FragmentStore.Layout, req.Layout, ct) is { } found) layout = found.Source;
            else errors["layout"] = [$"No layout named '{req.Layout}'. Create it with PUT /api/v1/admin/templates/layouts/{{name}}."];
        }
        if (errors.Count > 0) throw Invalid(errors);

        var partials = await fragments.SourcesAsync(tenantId, FragmentStore.Partial, ct);
        var definition = new TemplateDefinition(tenantId, "validate", ChannelParts.ToTemplateParts(req.Parts!), partials, layout,
            req.OptionalVariables);
        Throw(engine.Validate(definition), TemplateRules.TemplateField);
        var used = engine.PartialsUsed(definition);
        return new VersionContent(req.Parts!, req.OptionalVariables ?? [], req.Layout, layout,
            partials.Where(p => used.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
    }

    /// <summary>A partial must compile against the other partials without a cycle or a missing callee;
    /// a layout must compile and place the message with {{{body}}}.</summary>
    public async Task CheckFragmentAsync(Guid tenantId, string kind, string name, FragmentRequest req, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!TemplateRules.FragmentName().IsMatch(name))
            errors["name"] = ["1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit."];
        if (string.IsNullOrEmpty(req.Source)) errors["source"] = ["source is required."];
        else if (Encoding.UTF8.GetByteCount(req.Source) > TemplateDataLimits.MaxTemplateBytes)
            errors["source"] = [$"At most {TemplateDataLimits.MaxTemplateBytes / 1024} KB."];
        else if (kind == FragmentStore.Layout && !TemplateRules.LayoutBody().IsMatch(req.Source))
            errors["source"] = ["A layout places the message with {{{body}}}."];
        if (req.Description is { Length: > 500 }) errors["description"] = ["At most 500 characters."];
        if (errors.Count > 0) throw Invalid(errors);

        var partials = await fragments.SourcesAsync(tenantId, FragmentStore.Partial, ct);
        TemplateDefinition definition;
        if (kind == FragmentStore.Partial)
        {
            partials[name] = req.Source!; // as it will be after saving, so cycles through it are seen
            definition = new TemplateDefinition(tenantId, "validate", [new TemplatePart("source", req.Source!, false)], partials);
        }
        else definition = new TemplateDefinition(tenantId, "validate", [new TemplatePart("html", "", true)], partials, req.Source);
        Throw(engine.Validate(definition), part =>
            part is "source" or "layout" or "html" || part == "partial:" + name ? "source" : TemplateRules.TemplateField(part));
    }

    /// <summary>The detail repeats the first problem, so a client that shows only the detail still says what is wrong.</summary>
    private static RequestValidationException Invalid(Dictionary<string, string[]> errors)
    {
        var (field, messages) = errors.First();
        return new RequestValidationException(errors, 400, $"{field}: {messages[0]}");
    }

    /// <summary>A syntax error is a 400; a source past <see cref="TemplateLimits"/> is a 422 (well-formed, but more than the
    /// service compiles), its detail naming the first broken limit.</summary>
    private static void Throw(IReadOnlyList<TemplateError> problems, Func<string, string> fieldOf)
    {
        if (problems.Count == 0) return;
        var limits = problems.Where(p => p.Limit is not null).ToList();
        var first = limits.Count > 0 ? limits[0] : problems[0];
        var where = first.Line > 0 ? $" at line {first.Line}, column {first.Column}" : "";
        throw new RequestValidationException(TemplateRules.ToFieldErrors(problems, fieldOf), limits.Count > 0 ? 422 : 400,
            $"{fieldOf(first.Part)}{where}: {first.Message}");
    }
}
