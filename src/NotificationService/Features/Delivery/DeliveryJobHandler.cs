using NotificationService.Channels;
using NotificationService.Features.Notifications;
using NotificationService.Features.Suppressions;
using NotificationService.Features.Templates;
using NotificationService.Queue;

namespace NotificationService.Features.Delivery;

/// <summary>
/// The `deliver` job: claims a batch of notifications for sending (one statement), renders and sends
/// each concurrently through the channel's providers, then records every outcome (one statement) and
/// tells the queue what to do with each job: done, retry, postpone, or dead.
/// </summary>
public sealed class DeliveryJobHandler(
    DeliveryStore store, TemplateVersionStore templates, MessageRenderer renderer, ChannelSender sender, SuppressionStore suppressions, IConfiguration config) : IJobHandler
{
    public string Kind => NotificationWriter.DeliverKind;
    private readonly string? _publicBaseUrl = config["PublicBaseUrl"];

    public async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
    {
        var ids = jobs.Select(j => DeliverArgs.Parse(j.ArgsJson)).ToArray();
        var records = await store.BeginSendingAsync(ids, ct);
        // One query per batch: suppressed recipients end here, without a provider call.
        var suppressed = await suppressions.FindAsync(records.Values
            .Select(r => (r.Id, r.TenantId, r.Channel, Address: Addresses.Suppressible(r.Channel) ? Addresses.Normalize(r.Channel, r.Channel == "email" ? r.Recipient.Email : r.Recipient.Phone) : null))
            .Where(c => c.Address is not null).Select(c => (c.Id, c.TenantId, c.Channel, c.Address!)).ToList(), ct);
        var versions = await templates.GetManyAsync(records.Values.Where(r => r.TemplateVersionId is not null).Select(r => r.TemplateVersionId!.Value), ct);

        var outcomes = await Task.WhenAll(jobs.Select((job, i) =>
            !records.TryGetValue(ids[i], out var record) ? Task.FromResult<DeliveryOutcome?>(null)
            : suppressed.TryGetValue(record.Id, out var reason) ? Task.FromResult<DeliveryOutcome?>(DeliveryOutcome.Suppressed(record, reason))
            : DeliverAsync(job, record, versions, ct)));

        await store.RecordOutcomesAsync(outcomes.OfType<DeliveryOutcome>().ToList(), ct);
        // A notification no longer in queued/sending (cancelled, already sent before a crash) needs no work.
        return outcomes.Select(o => o?.JobResult ?? JobResult.Done).ToList();
    }

    private async Task<DeliveryOutcome?> DeliverAsync(Job job, DeliveryRecord n, IReadOnlyDictionary<Guid, TemplateVersion> versions, CancellationToken ct)
    {
        TemplateVersion? version = null;
        if (n.TemplateVersionId is { } vid && !versions.TryGetValue(vid, out version))
            return DeliveryOutcome.From(job, n, new SendAttempt(new DeliveryResult.Permanent("template version not found", "template_missing"), null));

        var rendered = renderer.Render(n, version);
        if (rendered is RenderOutcome.Failed f)
            return DeliveryOutcome.From(job, n, new SendAttempt(new DeliveryResult.Permanent(f.Error, f.Error.Split(':')[0]), null));

        var message = new OutgoingMessage(n.Id, n.TenantId, n.Channel, n.ToRecipient(), ((RenderOutcome.Ok)rendered).Content,
            n.MetadataStrings(), n.Category, _publicBaseUrl);
        return DeliveryOutcome.From(job, n, await sender.SendAsync(message, ct));
    }
}
