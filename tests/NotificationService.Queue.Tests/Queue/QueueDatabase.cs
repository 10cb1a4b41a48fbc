using Npgsql;
using NotificationService.Postgres;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>A fresh database with the queue's migrations applied, and the helpers the specifications share.</summary>
public sealed class QueueDatabase : IAsyncDisposable
{
    public NpgsqlDataSource Db { get; }
    public QueueSignals Signals { get; } = new();
    public JobQueue Queue { get; }

    private QueueDatabase(NpgsqlDataSource db)
    {
        Db = db;
        Queue = new JobQueue(db, Signals);
    }

    public static async Task<QueueDatabase> CreateAsync()
    {
        var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("queue"));
        await Migrator.ApplyAsync(db, Migration.FromAssembly(typeof(JobQueue).Assembly));
        return new QueueDatabase(db);
    }

    /// <summary>Enqueues in its own committed transaction and wakes the processors, as the service does.</summary>
    public async Task<long[]> EnqueueAsync(params NewJob[] jobs)
    {
        await using var conn = await Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var ids = await Queue.EnqueueAsync(conn, tx, jobs, CancellationToken.None);
        await tx.CommitAsync();
        Queue.NotifyCommitted(jobs.Select(j => j.Queue));
        return ids;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = Db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task ExecAsync(string sql)
    {
        await using var cmd = Db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public QueueProcessor Processor(IJobHandler handler, Action<QueueProcessorOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new QueueProcessorOptions
        {
            Queues = ["email"], PollInterval = TimeSpan.FromMilliseconds(200), RescueInterval = TimeSpan.FromMilliseconds(200),
            RetryPolicyFor = _ => new RetryPolicy(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)),
        };
        configure?.Invoke(options);
        return new QueueProcessor(Db, Signals, [handler], options, clock, events: Events);
    }

    /// <summary>What processors made by <see cref="Processor"/> report (acknowledgements, idle queues).</summary>
    public QueueEvents Events { get; } = new();

    /// <summary>Completes the next time a processor's claim on <paramref name="queue"/> finds nothing (subscribe before starting it).</summary>
    public Task NextIdleAsync(string queue)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnIdle(string q) { if (q == queue && idle.TrySetResult()) Events.WentIdle -= OnIdle; }
        Events.WentIdle += OnIdle;
        return idle.Task;
    }

    /// <summary>Completes when a processor's LISTEN connection is listening (subscribe before starting it).</summary>
    public Task NextListeningAsync()
    {
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnListening() { if (listening.TrySetResult()) Events.Listening -= OnListening; }
        Events.Listening += OnListening;
        return listening.Task;
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}

/// <summary>A handler driven by a function, recording every job it sees.</summary>
public sealed class RecordingHandler(Func<Job, JobResult>? decide = null, string kind = "send") : IJobHandler
{
    private readonly List<Job> _seen = [];
    private readonly SemaphoreSlim _arrived = new(0);

    public string Kind => kind;
    public IReadOnlyList<Job> Seen { get { lock (_seen) return [.. _seen]; } }

    public Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
    {
        lock (_seen) _seen.AddRange(jobs);
        IReadOnlyList<JobResult> results = jobs.Select(j => decide?.Invoke(j) ?? JobResult.Done).ToList();
        _arrived.Release(jobs.Count);
        return Task.FromResult(results);
    }

    /// <summary>Waits until <paramref name="count"/> more jobs arrived, failing the test after the timeout.</summary>
    public async Task WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));   // patience, not a speed: it ends when they arrive
        for (var i = 0; i < count; i++)
            if (!await _arrived.WaitAsync(Max(deadline - DateTime.UtcNow, TimeSpan.Zero)))
                throw new TimeoutException($"only {i} of {count} jobs arrived");
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>Runs a processor for the duration of a test and stops it gracefully on dispose.</summary>
public sealed class Running : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public Running(QueueProcessor processor) => _run = processor.RunAsync(_stop.Token);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }
}
