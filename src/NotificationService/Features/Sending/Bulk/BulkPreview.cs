using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// A dry run's answer to "what would my customers get?": the first accepted rows rendered with the version
/// a real run would pin, exactly as delivery would render them (a missing variable shows as its error).
/// Stored on the job and returned with its status.
/// </summary>
public sealed class BulkPreview(TemplateVersionStore versions, MessageRenderer renderer, ProfileStore profiles, TenantStore tenants)
{
    public const int Rows = 5;
    private static readonly JsonSerializerOptions PartsJson =
        new(JsonBody.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public async Task SaveAsync(LedgerTransaction tx, BulkJobContext job, IReadOnlyList<NotificationDraft> drafts, CancellationToken ct)
    {
        var first = drafts.Take(Rows).ToList();
        var pinned = await versions.GetManyAsync(
            first.Where(d => d.TemplateVersionId is not null).Select(d => d.TemplateVersionId!.Value), ct);
        // `{{recipient.*}}` as delivery would fill it: from the rows' profiles as they are now.
        var users = await profiles.FindManyAsync(
            first.Where(d => d.Recipient.UserId is not null).Select(d => (d.TenantId, d.Recipient.UserId!)).Distinct().ToList(), ct);
        var linkPolicy = await tenants.LinkPolicyAsync(job.TenantId, ct);
        var items = new JsonArray();
        foreach (var d in first)
        {
            var record = ClaimedNotification.Of(d);
            var version = d.TemplateVersionId is { } v ? pinned.GetValueOrDefault(v) : null;
            var recipient = MessageRenderer.MentionsRecipient(record, version)
                ? RecipientVariables.Of(d.Recipient.UserId, d.Recipient.Email, d.Recipient.Phone,
                d.Recipient.UserId is { } u && users.TryGetValue((d.TenantId, u), out var p) ? p.Fields : null) : null;
            var item = new JsonObject
            {
                ["row"] = d.Metadata?["row"]?.DeepClone(),
                ["recipient"] = JsonSerializer.SerializeToNode(d.Recipient.ToDto(), PartsJson),
                ["locale"] = d.Locale,
            };
            switch (renderer.Render(record, version, linkPolicy, recipient: recipient))
            {
                case RenderOutcome.Ok ok: item["parts"] = JsonSerializer.SerializeToNode(ok.Content, PartsJson); break;
                case RenderOutcome.Failed failed: item["error"] = failed.Error; break;
            }
            items.Add(item);
        }
        await BulkJobStore.SavePreviewAsync(tx.Connection, tx.Transaction, job.JobId, items, ct);
    }
}
