using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// Before any row is enqueued: would the template render for a row that fills every data column? If it still misses
/// a required variable, no row of this file can render (a flat CSV cannot give `user.firstName`), so the job fails
/// saying which variables no column provides, instead of completing while every notification goes dead.
/// </summary>
public sealed class BulkTemplateCheck(TemplateResolver templates, TemplateVersionStore versions, MessageRenderer renderer)
{
    public async Task EnsureColumnsFillAsync(BulkJobContext job, IReadOnlyList<string> dataColumns, CancellationToken ct)
    {
        var o = job.Options;
        if (await templates.ResolveAsync(job.TenantId, o.Template, o.Channel, o.Locale, ct) is not { } resolved) return; // the chunk writer reports it
        if ((await versions.GetManyAsync([resolved.VersionId], ct)).GetValueOrDefault(resolved.VersionId) is not { } version) return;
        var data = new JsonObject();
        foreach (var column in dataColumns) data[column] = "x";
        var sample = new ClaimedNotification(Guid.Empty, job.TenantId, o.Channel, StoredRecipient.From(new RecipientDto { Email = "check@example.com" }),
            resolved.VersionId, resolved.Locale, null, data, null, null, 0, DateTimeOffset.UtcNow, JobPriority.Normal);
        // Only its missing variables matter here (they are found before any link is checked): any link policy does.
        if (renderer.Render(sample, version, LinkPolicy.HttpAllowed) is not RenderOutcome.Failed { Error: var error } || !error.StartsWith("missing_variables: ", StringComparison.Ordinal)) return;
        // `recipient.*` comes from each row's profile at delivery, not from a column (a profile without it fails that row's
        // notification, naming the variable).
        var missing = error["missing_variables: ".Length..].Split(", ").Where(v => !v.StartsWith(RecipientVariables.Root + ".", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
            throw new BulkFileException($"No row can render: template '{o.Template}' needs {string.Join(", ", missing)}, " +
                $"which no column of the file provides (data columns: {(dataColumns.Count == 0 ? "none" : string.Join(", ", dataColumns))}).");
    }
}
