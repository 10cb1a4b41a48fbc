using System.Diagnostics.Metrics;

namespace NotificationService.Infrastructure;

/// <summary>
/// The service's own instruments, on one meter from the host's <see cref="IMeterFactory"/> (so two hosts in one
/// process, as in tests, never mix their figures). Features record through these plain methods; labels are
/// small closed sets (channel, provider kind, outcome): never a tenant, user or id.
/// </summary>
public sealed class ServiceMeter
{
    public const string Name = "NotificationService";
    public const string AcceptedName = "notifications.accepted", AcceptToSentName = "notifications.accept_to_sent",
        AttemptsName = "delivery.attempts", AttemptDurationName = "delivery.attempt.duration",
        QueueDepthName = "queue.depth", OldestReadyName = "queue.oldest_ready_age",
        WebhookDeliveriesName = "webhook.deliveries", WebhookDurationName = "webhook.delivery.duration",
        BulkRowsName = "bulk.rows", CircuitsName = "provider.circuits", RateLimitedName = "api.rate_limited",
        FinishedName = "notifications.finished", DbConnectionsName = "db.pool.connections",
        DbConnectionsMaxName = "db.pool.connections.max";

    private readonly Counter<long> _accepted, _attempts, _webhooks, _bulkRows, _rateLimited, _finished;
    private readonly Histogram<double> _acceptToSent, _attemptDuration, _webhookDuration;

    public ServiceMeter(IMeterFactory factory)
    {
        Meter = factory.Create(Name);
        _accepted = Meter.CreateCounter<long>(AcceptedName);
        _acceptToSent = Meter.CreateHistogram<double>(AcceptToSentName, "s");
        _attempts = Meter.CreateCounter<long>(AttemptsName);
        _attemptDuration = Meter.CreateHistogram<double>(AttemptDurationName, "s");
        _webhooks = Meter.CreateCounter<long>(WebhookDeliveriesName);
        _webhookDuration = Meter.CreateHistogram<double>(WebhookDurationName, "s");
        _bulkRows = Meter.CreateCounter<long>(BulkRowsName);
        _rateLimited = Meter.CreateCounter<long>(RateLimitedName);
        _finished = Meter.CreateCounter<long>(FinishedName);
    }

    public Meter Meter { get; }

    /// <summary>Notifications committed on a channel (today from NotificationWriter; the status ledger will own it).</summary>
    public void Accepted(string channel, int count)
    {
        if (count > 0) _accepted.Add(count, new KeyValuePair<string, object?>("channel", channel));
    }

    /// <summary>A notification reached `sent`, <paramref name="latency"/> after it was accepted (fed by the status ledger).</summary>
    public void Sent(string channel, string priority, TimeSpan latency) =>
        _acceptToSent.Record(latency.TotalSeconds, new("channel", channel), new("priority", priority));

    /// <summary>A notification left the pipeline (fed by the status ledger): sent, or a terminal status such as failed or
    /// skipped.</summary>
    public void Finished(string channel, string outcome) => _finished.Add(1, new("channel", channel), new("outcome", outcome));

    /// <summary>One provider call and how it ended.</summary>
    public void Attempt(string channel, string providerKind, string outcome, TimeSpan duration)
    {
        _attempts.Add(1, new("channel", channel), new("provider_kind", providerKind), new("outcome", outcome));
        _attemptDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("provider_kind", providerKind));
    }

    public void WebhookAttempt(string outcome, TimeSpan duration)
    {
        _webhooks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _webhookDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void BulkRows(string outcome, long count)
    {
        if (count > 0) _bulkRows.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void RateLimited(string endpointClass) =>
        _rateLimited.Add(1, new KeyValuePair<string, object?>("endpoint_class", endpointClass));
}
