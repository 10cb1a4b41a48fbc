using System.Diagnostics;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// A claimed batch is handled inside one "process" span. When the batch mixes traces that span is a root linked to each
/// of them, so a handler opens each job's own span: the work done for one job stays in the trace that enqueued it.
/// </summary>
public class JobTracingTests
{
    private static Job JobFrom(string? traceParent, long id = 7) =>
        new(id, "email", "deliver", Guid.NewGuid(), "{}", JobPriority.Normal, 1, 8, DateTimeOffset.UtcNow, traceParent);

    private static string NewTraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    private static ActivityListener Listening()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == JobTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [Fact]
    public void In_a_batch_that_mixes_traces_each_job_gets_a_span_in_its_own_trace_linked_to_the_batch()
    {
        using var listener = Listening();
        var (first, second) = (JobFrom(NewTraceParent(), 1), JobFrom(NewTraceParent(), 2));
        using var batch = JobTracing.StartProcessing("deliver", [first, second])!;
        Assert.Equal(default, batch.ParentSpanId);                             // a root of its own, linked to both traces
        Assert.Equal(2, batch.Links.Count());

        foreach (var job in new[] { first, second })
        {
            var enqueued = ActivityContext.Parse(job.TraceParent!, null);
            Assert.Equal(job.TraceParent, JobTracing.OwnTraceParent(job));
            using var span = JobTracing.StartJob(job)!;
            Assert.Equal(enqueued.TraceId, span.TraceId);
            Assert.Equal(enqueued.SpanId, span.ParentSpanId);
            Assert.Equal("deliver process", span.DisplayName);
            Assert.Equal(ActivityKind.Consumer, span.Kind);
            Assert.Equal(job.Id, span.GetTagItem("messaging.message.id"));
            Assert.Equal(batch.SpanId, Assert.Single(span.Links).Context.SpanId);
            Assert.Same(span, Activity.Current);                                  // what the handler calls runs under it
            span.Dispose();
            Assert.Same(batch, Activity.Current);
        }
    }

    [Fact]
    public void In_a_batch_of_one_trace_the_batch_span_is_the_parent_and_no_job_span_is_made()
    {
        using var listener = Listening();
        var traceParent = NewTraceParent();
        var (first, second) = (JobFrom(traceParent, 1), JobFrom(traceParent, 2));
        using var batch = JobTracing.StartProcessing("deliver", [first, second])!;
        Assert.Equal(ActivityContext.Parse(traceParent, null).SpanId, batch.ParentSpanId);
        Assert.Null(JobTracing.StartJob(first));
        Assert.Null(JobTracing.OwnTraceParent(second));
    }

    [Fact]
    public void A_job_without_a_stored_trace_gets_no_span_of_its_own()
    {
        using var listener = Listening();
        using var batch = JobTracing.StartProcessing("deliver", [JobFrom(null), JobFrom(NewTraceParent())]);
        Assert.Null(JobTracing.StartJob(JobFrom(null)));
        Assert.Null(JobTracing.StartJob(JobFrom("not a traceparent")));
        Assert.Null(JobTracing.OwnTraceParent(JobFrom(null)));
    }

    [Fact]
    public void Without_a_tracer_the_job_span_is_still_made_unrecorded_so_log_lines_carry_the_jobs_trace()
    {
        // No listener for the queue's source here: StartProcessing and StartJob fall back to unrecorded activities.
        var previous = Activity.Current;
        Activity.Current = new Activity("some other trace").Start();
        try
        {
            var job = JobFrom(NewTraceParent());
            Assert.False(JobTracing.Source.HasListeners());
            using var span = JobTracing.StartJob(job)!;
            Assert.NotEqual(JobTracing.SourceName, span.Source.Name);                 // no tracer sees it: nothing exported
            Assert.Equal(ActivityContext.Parse(job.TraceParent!, null).TraceId, span.TraceId);
            Assert.Equal(ActivityContext.Parse(job.TraceParent!, null).SpanId, span.ParentSpanId);
        }
        finally
        {
            Activity.Current?.Stop();
            Activity.Current = previous;
        }
    }
}
