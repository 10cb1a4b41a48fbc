using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

/// <summary>
/// Preview and the check before a test send: both render a stored version exactly as delivery will (same definition,
/// same compiled-template cache entry), so what an admin sees is what recipients get. The test send itself is the
/// Notifications feature's (it creates a notification).
/// </summary>
public sealed class TemplateTrial(TemplateQueries queries, TemplateEngine engine, ProfileStore profiles)
{
    public async Task<PreviewResult> PreviewAsync(Guid tenantId, Guid id, PreviewRequest req, CancellationToken ct)
    {
        var stored = await FindAsync(tenantId, id, req.Version, ct);
        string? culture = null;
        if (req.Locale is not null && (culture = TemplateRules.NormalizeLocale(req.Locale)) is null)
            throw RequestValidationException.For("locale", TemplateRules.LocaleMessage);
        var recipient = await RecipientAsync(tenantId, req, ct);
        var definition = stored.Version.Definition();
        var result = Render(definition, recipient is null ? req.Data : RecipientVariables.Into(req.Data, recipient),
            culture ?? stored.Locale);
        return new PreviewResult(stored.Number, result.Parts, engine.Variables(definition), result.MissingVariables);
    }

    /// <summary>`recipient` for a preview: a user's stored profile (422 when they have none), or a sample profile checked
    /// like a stored one (400 naming its bad fields); null when the request names neither.</summary>
    private async Task<JsonObject?> RecipientAsync(Guid tenantId, PreviewRequest req, CancellationToken ct)
    {
        if (req.UserId is not null && req.Recipient is not null)
            throw RequestValidationException.For("recipient", "Give userId or recipient, not both.");
        if (req.UserId is { } userId)
        {
            var errors = new Dictionary<string, string[]>();
            ProfileRules.CheckUserId(userId, "userId", errors);
            if (errors.Count > 0) throw new RequestValidationException(errors);
            var profile = await profiles.FindAsync(tenantId, userId, ct)
                ?? throw RequestValidationException.For("userId", $"No profile for userId '{userId}'.", 422);
            return RecipientVariables.Of(userId, null, null, profile.Fields);
        }
        if (req.Recipient is not { } sample) return null;
        var sampleErrors = new Dictionary<string, string[]>();
        var sampleUser = sample["userId"] is JsonValue u && u.TryGetValue<string>(out var id) ? id : null;
        var fields = ProfileRules.Read(sample, sampleUser ?? "", "recipient.", sampleErrors);
        if (fields is null) throw new RequestValidationException(sampleErrors);
        return RecipientVariables.Of(sampleUser, null, null, fields);
    }

    /// <summary>A stored version (the latest when <paramref name="version"/> is null); 404 when there is none.</summary>
    public Task<StoredVersion> FindVersionAsync(Guid tenantId, Guid id, int? version, CancellationToken ct) =>
        FindAsync(tenantId, id, version, ct);

    /// <summary>Renders the version with <paramref name="data"/> as delivery would: missing required variables are refused
    /// (422) rather than turned into a failed notification, since the admin is waiting for the answer.</summary>
    public void EnsureRenderable(StoredVersion stored, JsonObject? data, LinkPolicy links)
    {
        var result = Render(stored.Version.Definition(), data, stored.Locale);
        var missing = result.MissingVariables;
        if (missing.Count > 0)
            throw new RequestValidationException(
                new Dictionary<string, string[]> { ["data"] = [$"Missing required variables: {string.Join(", ", missing)}."] }, 422,
                $"missing_variables: {string.Join(", ", missing)}");
        var actionUrls = result.Parts.Keys
            .Where(k => k.StartsWith("actions.", StringComparison.Ordinal) && k.EndsWith(".url", StringComparison.Ordinal));
        foreach (var part in ChannelParts.LinkParts.Concat(actionUrls))
            if (LinkRules.Check(result.Parts.GetValueOrDefault(part), links) is { } unsafeLink)
            {
                var field = part.StartsWith("actions.", StringComparison.Ordinal)
                    ? $"parts.actions[{part.Split('.')[1]}].url" : "parts." + part;
                throw new RequestValidationException(new Dictionary<string, string[]> { [field] = [unsafeLink] }, 422,
                    $"unsafe_link: {field} rendered to a link that is refused. {unsafeLink}");
            }
    }

    private async Task<StoredVersion> FindAsync(Guid tenantId, Guid id, int? version, CancellationToken ct) =>
        await queries.VersionAsync(tenantId, id, version, ct)
        ?? throw new NotFoundException(version is null ? "The template" : $"Version {version} of the template");

    /// <summary>Oversized data is 413, too deep is 400; a helper failing on the given data is 422.</summary>
    private RenderResult Render(TemplateDefinition definition, JsonObject? data, string culture)
    {
        try
        {
            return engine.Render(definition, data ?? new JsonObject(), new RenderOptions(culture));
        }
        catch (TemplateDataTooLargeException e) when (e.Message.Contains("bytes", StringComparison.Ordinal))
        {
            throw new PayloadTooLargeException(e.Message);
        }
        catch (TemplateDataTooLargeException e)
        {
            throw RequestValidationException.For("data", e.Message);
        }
        catch (TemplateRenderLimitException e)
        {
            throw new UnprocessableException($"render_limit: {e.Message} (limit: {e.Limit})");
        }
        catch (Exception e) when (e is not ApiException and not OperationCanceledException)
        {
            throw new UnprocessableException($"render_error: {e.Message}");
        }
    }
}
