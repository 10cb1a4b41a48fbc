using System.Diagnostics.Metrics;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// Counters an operator alerts on: forged or misconfigured callbacks (rejected), events for messages we
/// do not know (unknown: answered 200 so providers stop retrying, but worth seeing), and events applied.
/// Exposed through System.Diagnostics.Metrics (meter "NotificationService.Callbacks").
/// </summary>
public static class CallbackMetrics
{
    public static readonly Meter Meter = new("NotificationService.Callbacks");
    private static readonly Counter<long> RejectedCounter = Meter.CreateCounter<long>("callbacks_rejected",
        description: "callbacks refused (signature, timestamp, size, format)");
    private static readonly Counter<long> UnknownCounter = Meter.CreateCounter<long>("callback_events_unknown",
        description: "events naming no known message");
    private static readonly Counter<long> ParkedCounter = Meter.CreateCounter<long>("callback_events_parked",
        description: "events waiting for their message id to be stored");
    private static readonly Counter<long> AppliedCounter = Meter.CreateCounter<long>("callback_events_applied",
        description: "events processed");

    private static long _rejected, _unknown, _applied, _parked;
    public static long Parked => Interlocked.Read(ref _parked);
    public static long Rejected => Interlocked.Read(ref _rejected);
    public static long Unknown => Interlocked.Read(ref _unknown);
    public static long Applied => Interlocked.Read(ref _applied);

    public static void Reject(string provider, string reason)
    {
        Interlocked.Increment(ref _rejected);
        RejectedCounter.Add(1, new("provider", provider), new("reason", reason));
    }

    public static void UnknownEvents(string provider, int count)
    {
        if (count == 0) return;
        Interlocked.Add(ref _unknown, count);
        UnknownCounter.Add(count, new KeyValuePair<string, object?>("provider", provider));
    }

    public static void ParkedEvents(string provider, int count)
    {
        if (count == 0) return;
        Interlocked.Add(ref _parked, count);
        ParkedCounter.Add(count, new KeyValuePair<string, object?>("provider", provider));
    }

    /// <summary>The provider label of a config kind, as the callback URLs name it.</summary>
    public static string Label(string kind) =>
        kind.StartsWith("twilio", StringComparison.Ordinal) ? "twilio" : kind == "meta_whatsapp" ? "whatsapp" : kind;

    public static void AppliedEvents(string provider, int count)
    {
        Interlocked.Add(ref _applied, count);
        AppliedCounter.Add(count, new KeyValuePair<string, object?>("provider", provider));
    }
}
