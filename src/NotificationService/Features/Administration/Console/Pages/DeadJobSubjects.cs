using System.Text.Json;
using NotificationService.Features.Sending.Bulk;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>A link on a dead job's row: what it was for. No href when the page cannot open it (another tenant's, for an
/// operator).</summary>
public sealed record SubjectLink(string Text, string? Href);

/// <summary>
/// What each dead job was for, read from its arguments: a delivery's notifications and their recipients, a webhook
/// delivery's event, endpoint and notification, a bulk job. A job id alone tells an admin nothing; these are the
/// objects they would look up next. Asked of the stores that own them, one query per kind and tenant.
/// </summary>
public sealed class DeadJobSubjects(NotificationSearch notifications, WebhookDeliveryStore webhooks)
{
    /// <summary><paramref name="mask"/>: the caller is a viewer, who sees recipients masked (and no link searching by the whole
    /// address).</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<SubjectLink>>> ForAsync(IReadOnlyList<DeadJob> jobs, Guid viewer,
        CancellationToken ct, bool mask = false)
    {
        var links = new Dictionary<long, IReadOnlyList<SubjectLink>>();
        foreach (var tenant in jobs.GroupBy(j => j.TenantId))
        {
            var mine = tenant.Key == viewer;   // an operator looking at another tenant's jobs: names only, its pages are not theirs
            string? Href(string path) => mine ? path : null;

            var deliveries = tenant.Where(j => j.Kind == DeliverJob.Kind)
                .Select(j => (j.Id, Ids: Parse<DeliverJob>(j)?.Ids ?? [])).ToList();
            var recipients = await notifications.RecipientsAsync(tenant.Key, deliveries.SelectMany(d => d.Ids).Distinct().ToList(), ct);
            foreach (var (job, ids) in deliveries)
                links[job] = ids.SelectMany(id => recipients.TryGetValue(id, out var n)
                    ? new[] { new SubjectLink($"notification {id}", Href($"/admin/notifications/{id}")),
                              mask ? new SubjectLink($"to {Members.RoleTable.Mask(RecipientText.For(n.Channel, n.Recipient))}", null)
                                   : new SubjectLink($"to {RecipientText.For(n.Channel, n.Recipient)}",
                        Href($"/admin/notifications?recipient={Uri.EscapeDataString(RecipientText.For(n.Channel, n.Recipient))}")) }
                    : [new SubjectLink($"notification {id} (no longer stored)", null)]).ToList();

            var hooks = tenant.Where(j => j.Kind == WebhookJob.Kind)
                .Select(j => (j.Id, Delivery: Parse<WebhookJob>(j)?.DeliveryId)).ToList();
            var described = await webhooks.DescribeAsync(tenant.Key,
                hooks.Where(h => h.Delivery is not null).Select(h => h.Delivery!.Value).ToList(), ct);
            foreach (var (job, delivery) in hooks)
                links[job] = delivery is { } d && described.TryGetValue(d, out var w)
                    ? [new SubjectLink($"{w.EventType} to {w.EndpointUrl}", Href("/admin/webhooks")),
                       .. w.NotificationId is { } n
                           ? [new SubjectLink($"notification {n}", Href($"/admin/notifications/{n}"))]
                           : Array.Empty<SubjectLink>()]
                    : [new SubjectLink("webhook delivery (no longer stored)", null)];

            foreach (var job in tenant.Where(j => j.Kind == BulkCsvJob.Kind))
                links[job.Id] = Parse<BulkCsvJob>(job) is { } b
                    ? [new SubjectLink($"bulk job {b.BulkJobId}", Href($"/admin/bulk/{b.BulkJobId}"))]
                    : [];
        }
        return links;
    }

    private static T? Parse<T>(DeadJob job) where T : class, IJobArgs<T>
    {
        try { return JobArgs.ArgsAs<T>(job.ArgsJson); }
        catch (JsonException) { return null; }   // arguments that never parsed are why some jobs are dead: show the job, not an error
    }
}
