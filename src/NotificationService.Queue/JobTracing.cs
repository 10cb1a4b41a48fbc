using System.Diagnostics;

namespace NotificationService.Queue;

/// <summary>
/// Carries a trace through the queue. Enqueue stores the current activity's W3C `traceparent` with each job; the worker
/// handles a claimed batch inside one "process" activity. A batch whose jobs all come from one trace (one request's
/// notifications, or a lone job) continues that trace as its child, so one trace runs from the HTTP request to the
/// provider call; a batch mixing traces is a trace of its own linked to each of them (OpenTelemetry's convention for
/// batch consumers). Without a tracer the activity is still made (not recorded, nothing exported), so the worker's log
/// lines carry the same trace id as the request's.
/// </summary>
public static class JobTracing
{
    public const string SourceName = "NotificationService.Queue";
    public static readonly ActivitySource Source = new(SourceName);
    private const int MaxLinks = 128;

    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: var id } ? id : null;

    public static Activity? StartProcessing(string kind, IReadOnlyList<Job> batch)
    {
        var contexts = new List<ActivityContext>();
        foreach (var traceParent in batch.Select(j => j.TraceParent).Distinct())
            if (traceParent is not null && contexts.Count < MaxLinks && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context))
                contexts.Add(context);
        var oneTrace = contexts.Count > 0 && contexts.All(c => c.TraceId == contexts[0].TraceId);
        var tags = new ActivityTagsCollection
        {
            ["messaging.system"] = "postgresql",
            ["messaging.operation.type"] = "process",
            ["messaging.destination.name"] = batch[0].Queue,
            ["messaging.batch.message_count"] = batch.Count,
            ["job.kind"] = kind,
        };
        // An explicit root when the batch mixes traces: otherwise an ambient activity would become its parent.
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            if (Source.HasListeners())
                return Source.StartActivity($"{kind} process", ActivityKind.Consumer, oneTrace ? contexts[0] : default, tags,
                    oneTrace ? null : contexts.Select(c => new ActivityLink(c)));
            var unrecorded = new Activity($"{kind} process");
            if (oneTrace) unrecorded.SetParentId(contexts[0].TraceId, contexts[0].SpanId, contexts[0].TraceFlags);
            return unrecorded.Start();
        }
        finally
        {
            if (Activity.Current is null) Activity.Current = previous;
        }
    }
}
