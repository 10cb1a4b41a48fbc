namespace NotificationService.Queue;

public enum JobPriority : short { High = 0, Normal = 1, Low = 2 }

/// <summary>A job to enqueue. <paramref name="RunAt"/> in the future makes it a scheduled job.</summary>
public sealed record NewJob(string Queue, string Kind, Guid TenantId, string ArgsJson,
    JobPriority Priority = JobPriority.Normal, DateTimeOffset? RunAt = null, int MaxAttempts = 8);

/// <summary>A claimed job. <see cref="Attempt"/> counts this run (1 on the first).</summary>
public sealed record Job(long Id, string Queue, string Kind, Guid TenantId, string ArgsJson, JobPriority Priority,
    int Attempt, int MaxAttempts, DateTimeOffset CreatedAt);

/// <summary>What a handler says about each job it was given (results align by index with the jobs).</summary>
public abstract record JobResult
{
    private JobResult() { }

    /// <summary>Done: the row is deleted.</summary>
    public sealed record Completed : JobResult;

    /// <summary>Failed this time: retried after the policy's delay (or <paramref name="After"/>); dead once attempts are exhausted.</summary>
    public sealed record Retry(string Error, TimeSpan? After = null) : JobResult;

    /// <summary>Rate limited: postponed by <paramref name="After"/> without consuming an attempt.</summary>
    public sealed record Throttled(TimeSpan After, string Error) : JobResult;

    /// <summary>Can never succeed: dead at once, kept for inspection.</summary>
    public sealed record Failed(string Error) : JobResult;

    public static readonly JobResult Done = new Completed();
}

/// <summary>Handles a claimed batch of one kind. Batches let handlers read and write set-based.</summary>
public interface IJobHandler
{
    string Kind { get; }
    Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct);
}

public sealed record QueueStats(string Queue, long Ready, long Scheduled, long Running, long Dead, TimeSpan? OldestReadyAge);

public sealed record DeadJob(long Id, string Queue, string Kind, Guid TenantId, string ArgsJson, int Attempt, string? LastError, DateTimeOffset FailedAt);
