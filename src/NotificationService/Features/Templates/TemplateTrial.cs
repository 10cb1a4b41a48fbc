using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Notifications;
using NotificationService.Features.Providers;
using NotificationService.Infrastructure;
using NotificationService.Queue;
using NotificationService.Templates;

namespace NotificationService.Features.Templates;

/// <summary>
/// Preview and test-send: both render a stored version exactly as delivery will (same definition, same
/// compiled-template cache entry), so what an admin sees is what recipients get.
/// </summary>
public sealed class TemplateTrial(
    TemplateQueries queries, TemplateEngine engine, ProviderDirectory providers, NotificationWriter writer, JobQueue queue, NpgsqlDataSource db)
{
    public async Task<PreviewResult> PreviewAsync(Guid tenantId, Guid id, PreviewRequest req, CancellationToken ct)
    {
        var stored = await FindAsync(tenantId, id, req.Version, ct);
        string? culture = null;
        if (req.Locale is not null && (culture = TemplateRules.NormalizeLocale(req.Locale)) is null)
            throw RequestValidationException.For("locale", TemplateRules.LocaleMessage);
        var definition = stored.Version.Definition();
        var result = Render(definition, req.Data, culture ?? stored.Locale);
        return new PreviewResult(stored.Number, result.Parts, engine.Variables(definition), result.MissingVariables);
    }

    /// <summary>Queues a real notification pinned to the version. Missing required variables are refused
    /// here (422) rather than turned into a failed notification, since the admin is waiting for the answer.</summary>
    public async Task<TestSendResult> TestSendAsync(Guid tenantId, Guid id, TestSendRequest req, string statusBase, CancellationToken ct)
    {
        var stored = await FindAsync(tenantId, id, req.Version, ct);
        var channel = stored.Version.Channel;
        var errors = new Dictionary<string, string[]>();
        if (req.Recipient is null) errors["recipient"] = ["A recipient is required."];
        else RecipientRules.Check(channel, req.Recipient, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var missing = Render(stored.Version.Definition(), req.Data, stored.Locale).MissingVariables;
        if (missing.Count > 0)
            throw new RequestValidationException(new Dictionary<string, string[]> { ["data"] = [$"Missing required variables: {string.Join(", ", missing)}."] }, 422,
                $"missing_variables: {string.Join(", ", missing)}");
        if (!await providers.CanDeliverAsync(tenantId, channel, ct))
            throw new UnprocessableException($"The tenant has no enabled provider for the '{channel}' channel.");

        var draft = new NotificationDraft(Guid.CreateVersion7(), tenantId, channel, JobPriority.High, req.Recipient!, stored.Key,
            stored.Version.Id, stored.Locale, Content: null, req.Data, Category: null, Metadata: null, SendAt: null);
        IReadOnlyList<string> queues;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            queues = await writer.InsertAsync(conn, tx, [draft], ct);
            await tx.CommitAsync(ct);
        }
        queue.NotifyCommitted(queues);
        return new TestSendResult(draft.Id, stored.Number, "queued", $"{statusBase}/{draft.Id}");
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
        catch (Exception e) when (e is not ApiException and not OperationCanceledException)
        {
            throw new UnprocessableException($"render_error: {e.Message}");
        }
    }
}
