using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NotificationService.Queue;

/// <summary>
/// A job kind's arguments: one record per kind, serialized with System.Text.Json source generation (no hand-built JSON,
/// no reflection, no JsonDocument walking on the job path). The record names its kind, so enqueuing and handling
/// cannot disagree about it.
/// </summary>
public interface IJobArgs<TSelf> where TSelf : IJobArgs<TSelf>
{
    static abstract string Kind { get; }
    static abstract JsonTypeInfo<TSelf> JsonType { get; }
}

public static class JobArgs
{
    public static string Serialize<T>(T args) where T : IJobArgs<T> => JsonSerializer.Serialize(args, T.JsonType);

    /// <summary>The job's arguments as <typeparamref name="T"/>; throws <see cref="JsonException"/> when they are not.</summary>
    public static T ArgsAs<T>(this Job job) where T : IJobArgs<T> => ArgsAs<T>(job.ArgsJson);

    public static T ArgsAs<T>(string json) where T : IJobArgs<T> =>
        JsonSerializer.Deserialize(json, T.JsonType) ?? throw new JsonException($"{T.Kind} job arguments are null");
}

/// <summary>
/// A handler for one kind of job with typed arguments. A job whose arguments do not parse can never succeed: it goes
/// dead with the reason, and the rest of the batch is handled.
/// </summary>
public abstract class JobHandler<TArgs> : IJobHandler where TArgs : IJobArgs<TArgs>
{
    public string Kind => TArgs.Kind;

    public async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
    {
        var parsed = new List<(Job Job, TArgs Args)>(jobs.Count);
        var results = new JobResult?[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            try { parsed.Add((jobs[i], jobs[i].ArgsAs<TArgs>())); }
            catch (JsonException e) { results[i] = new JobResult.Failed($"malformed {Kind} arguments: {e.Message}"); }
        }
        if (parsed.Count == 0) return results!;
        var handled = await HandleAsync(parsed, ct);
        if (handled.Count != parsed.Count)
            throw new InvalidOperationException($"handler '{Kind}' returned {handled.Count} results for {parsed.Count} jobs");
        for (int i = 0, h = 0; i < results.Length; i++) results[i] ??= handled[h++];
        return results!;
    }

    /// <summary>Results align by index with <paramref name="jobs"/>.</summary>
    protected abstract Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, TArgs Args)> jobs, CancellationToken ct);

    public Task OnSetAsideAsync(QueueTransaction tx, IReadOnlyList<DeadJob> jobs, CancellationToken ct)
    {
        // Arguments that do not parse stand for nothing this handler could end.
        var parsed = new List<(DeadJob Job, TArgs Args)>(jobs.Count);
        foreach (var job in jobs)
            try { parsed.Add((job, JobArgs.ArgsAs<TArgs>(job.ArgsJson))); }
            catch (JsonException) { }
        return parsed.Count == 0 ? Task.CompletedTask : OnSetAsideAsync(tx, parsed, ct);
    }

    /// <summary>See <see cref="IJobHandler.OnSetAsideAsync"/>: typed. Default: nothing to end.</summary>
    protected virtual Task OnSetAsideAsync(QueueTransaction tx, IReadOnlyList<(DeadJob Job, TArgs Args)> jobs, CancellationToken ct) =>
        Task.CompletedTask;
}
