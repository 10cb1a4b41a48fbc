using System.Diagnostics;

namespace NotificationService.Queue;

/// <summary>
/// Carries a trace through the queue. Enqueue stores the current activity's W3C `traceparent` with each job; the worker
/// handles a claimed batch inside one "process" activity. A batch whose jobs all come from one trace (one request's
/// notifications, or a lone job) continues that trace as its child, so one trace runs from the HTTP request to the
/// provider call; a batch mixing traces is a trace of its own linked to each of them (OpenTelemetry's convention for
/// batch consumers); inside such a batch a handler opens each job's own span (<see cref="StartJob"/>), so the work done
/// for one job stays in its request's trace however the claim mixed it. Without a tracer the activities are still made
/// (not recorded, nothing exported), so the worker's log lines carry the same trace id as the request's.
/// </summary>
public static class JobTracing
{
    public const string SourceName = "NotificationService.Queue";
    public static readonly ActivitySource Source = new(SourceName);
    private const int MaxLinks = 128;

    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: var id } ? id : null;

    /// <summary>
    /// One job's span inside a batch whose span is not in that job's trace (the claim mixed traces): a child of the
    /// context the job was enqueued with, linked to the batch's span. What the handler does under it (a provider call,
    /// the webhook jobs an outcome enqueues) continues the job's own trace. Null when the batch's span already
    /// continues that trace, or the job carries none. Dispose it when the job's work is done.
    /// </summary>
    public static Activity? StartJob(Job job)
    {
        if (!OwnContext(job, out var context)) return null;
        var batch = Activity.Current;
        if (Source.HasListeners())
            return Source.StartActivity($"{job.Kind} process", ActivityKind.Consumer, context,
                [new("messaging.system", "postgresql"), new("messaging.operation.type", "process"), new("messaging.message.id", job.Id)],
                batch is null ? null : [new ActivityLink(batch.Context)]);
        return new Activity($"{job.Kind} process").SetParentId(context.TraceId, context.SpanId, context.TraceFlags).Start();
    }

    /// <summary>
    /// The trace context that what is done for <paramref name="job"/> should continue when the current activity (the
    /// batch's span) is in another trace; null when the current activity is the right parent already, or the job has none.
    /// </summary>
    public static string? OwnTraceParent(Job job) => OwnContext(job, out _) ? job.TraceParent : null;

    private static bool OwnContext(Job job, out ActivityContext context) =>
        ActivityContext.TryParse(job.TraceParent, null, isRemote: true, out context) && Activity.Current?.TraceId != context.TraceId;

    public static Activity? StartProcessing(string kind, IReadOnlyList<Job> batch)
    {
        var contexts = new List<ActivityContext>();
        foreach (var traceParent in batch.Select(j => j.TraceParent).Distinct())
            if (traceParent is not null && contexts.Count < MaxLinks
                && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context))
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
