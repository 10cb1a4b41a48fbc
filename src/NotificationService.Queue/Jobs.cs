namespace NotificationService.Queue;

public enum JobPriority : short { High = 0, Normal = 1, Low = 2 }

/// <summary>
/// A job to enqueue. <paramref name="RunAt"/> in the future makes it a scheduled job. <paramref name="Units"/> is how
/// much work it stands for (a group of notifications): claims fill batches by units. <paramref name="TraceParent"/> is
/// the W3C trace context the job continues; null takes the enqueuing code's current activity.
/// </summary>
public sealed record NewJob(string Queue, string Kind, Guid TenantId, string ArgsJson,
    JobPriority Priority = JobPriority.Normal, DateTimeOffset? RunAt = null, int MaxAttempts = 8, int Units = 1, string? TraceParent = null)
{
    public static NewJob For<T>(string queue, Guid tenantId, T args, JobPriority priority = JobPriority.Normal,
        DateTimeOffset? runAt = null, int maxAttempts = 8, int units = 1, string? traceParent = null) where T : IJobArgs<T> =>
        new(queue, T.Kind, tenantId, JobArgs.Serialize(args), priority, runAt, maxAttempts, units, traceParent);
}

/// <summary>
/// A claimed job. <see cref="Attempt"/> counts this run (1 on the first). <see cref="Crashes"/>: how often a worker died
/// holding it (see <see cref="CrashPolicy"/>); above 0 it is a suspect, run as the worker's only suspect.
/// </summary>
public sealed record Job(long Id, string Queue, string Kind, Guid TenantId, string ArgsJson, JobPriority Priority,
    int Attempt, int MaxAttempts, DateTimeOffset CreatedAt, string? TraceParent = null, int Crashes = 0);

/// <summary>What a handler says about each job it was given (results align by index with the jobs).</summary>
public abstract record JobResult
{
    private JobResult() { }

    /// <summary>Done: the row is deleted.</summary>
    public sealed record Completed : JobResult;

    /// <summary>Failed this time: retried after the policy's delay (or <paramref name="After"/>); dead once attempts are
    /// exhausted.</summary>
    public sealed record Retry(string Error, TimeSpan? After = null) : JobResult;

    /// <summary>Rate limited: postponed by <paramref name="After"/> without consuming an attempt.</summary>
    public sealed record Throttled(TimeSpan After, string Error) : JobResult;

    /// <summary>Can never succeed: dead at once, kept for inspection.</summary>
    public sealed record Failed(string Error) : JobResult;

    /// <summary>
    /// A job standing for several units that did not all finish: it is done, and each part becomes a job of its own
    /// (same queue, kind, tenant and priority, one unit) in the state its result gives, as if it had been claimed
    /// and acknowledged with it at this attempt. So one unit's retry never re-runs the units that finished. Each part keeps
    /// the job's <see cref="Job.Crashes"/>: a suspect split into its units is a suspect per unit, each run alone.
    /// </summary>
    public sealed record Split(IReadOnlyList<JobPart> Parts) : JobResult;

    public static readonly JobResult Done = new Completed();
}

/// <summary>One part of a <see cref="JobResult.Split"/>: its arguments and what happened to it (not another split).</summary>
public sealed record JobPart(string ArgsJson, JobResult Result)
{
    public static JobPart For<T>(T args, JobResult result) where T : IJobArgs<T> => new(JobArgs.Serialize(args), result);
}

/// <summary>Handles a claimed batch of one kind. Batches let handlers read and write set-based.</summary>
public interface IJobHandler
{
    string Kind { get; }
    Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct);

    /// <summary>
    /// The queue made these jobs dead without a handler's answer: the rescuer set them aside (their handling stopped the
    /// worker) or found their last attempt's worker dead. Called inside the transaction that does it, so what the jobs
    /// stand for (a delivery's notifications, left in flight by the dead worker) ends with them, or neither changes. Each
    /// job's <see cref="DeadJob.LastError"/> says why. Must not run the job's work. Default: nothing to end.
    /// </summary>
    Task OnSetAsideAsync(QueueTransaction tx, IReadOnlyList<DeadJob> jobs, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>A queue's depth, counted in units (<see cref="NewJob.Units"/>), not jobs.</summary>
public sealed record QueueStats(string Queue, long Ready, long Scheduled, long Running, long Dead, TimeSpan? OldestReadyAge);

/// <summary>A dead job as the dead list shows it. <paramref name="Crashes"/>: how often its handling stopped a worker (2 by
/// default sets a job aside; see <see cref="CrashPolicy"/>); an operator's retry starts it over at 0.</summary>
public sealed record DeadJob(long Id, string Queue, string Kind, Guid TenantId, string ArgsJson, int Attempt, string? LastError,
    DateTimeOffset FailedAt, int Crashes = 0);
