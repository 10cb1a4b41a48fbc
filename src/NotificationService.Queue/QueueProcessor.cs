using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace NotificationService.Queue;

/// <summary>
/// The worker side. Per queue: claim a batch, hand it to the handler for its kind (several batches in
/// flight), acknowledge the results in one statement, and claim again at once while there is work.
/// When a claim comes back empty it sleeps until a wake-up (local signal or NOTIFY), the next scheduled
/// job, or the poll interval, whichever is first. Alongside: lease extension, the rescuer, the listener.
/// A job that was in flight when a worker died (a suspect) runs alone: one at a time per processor, outside any batch,
/// so that if it kills this worker too, the rescuer's count points at it and not at what merely ran beside it.
/// </summary>
public sealed class QueueProcessor
{
    private readonly QueueSignals _signals;
    private readonly QueueProcessorOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly Dictionary<string, IJobHandler> _handlers;
    private readonly JobAcknowledger _ack;
    private readonly LeaseKeeper _leases;
    private readonly NotifyListener _listener;
    private readonly NpgsqlDataSource _db;
    private readonly QueueEvents? _events;
    private readonly QueueMetrics? _metrics;
    private readonly SemaphoreSlim _suspectSlot = new(1, 1);
    private int _running;

    public QueueProcessor(NpgsqlDataSource db, QueueSignals signals, IEnumerable<IJobHandler> handlers, QueueProcessorOptions options,
        TimeProvider? clock = null, ILogger<QueueProcessor>? log = null, QueueEvents? events = null, QueueMetrics? metrics = null)
    {
        _events = events;
        _metrics = metrics;
        _db = db;
        _signals = signals;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _log = (ILogger?)log ?? NullLogger.Instance;
        _handlers = handlers.ToDictionary(h => h.Kind);
        _ack = new JobAcknowledger(db, options);
        _leases = new LeaseKeeper(db, options, _handlers);
        _listener = new NotifyListener(db, signals, _log, events);
    }

    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>Runs until cancelled; then stops claiming, lets in-flight batches finish and acknowledges them.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        Volatile.Write(ref _running, 1);
        try
        {
            // In-flight work finishes under its own token so that a graceful stop still acknowledges it.
            using var drain = new CancellationTokenSource();
            var loops = _options.Queues.Select(q => RunQueueAsync(q, ct, drain.Token)).ToList();
            var background = new[] { _listener.RunAsync(ct), EveryAsync(_options.Lease / 3, _leases.ExtendAsync, ct),
                EveryAsync(_options.RescueInterval, RescueAsync, ct) };
            await Task.WhenAll(loops);
            await Task.WhenAll(background);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task RunQueueAsync(string queue, CancellationToken stop, CancellationToken drainToken)
    {
        var claimer = new JobClaimer(_db, _options);
        var urgentClaimer = new JobClaimer(_db, _options);
        var inFlight = new List<Task>();
        var suspects = new List<Task>();
        Task express = Task.CompletedTask;
        Task<bool>? wake = null; // one outstanding wait for a wake-up, so no signal is swallowed by a forgotten wait
        long lastClaim = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                suspects.RemoveAll(t => t.IsCompleted);
                if (inFlight.Count >= _options.MaxBatchesInFlightPerQueue)
                {
                    // Every slot is busy with a backlog. High and normal priority jobs that arrive meanwhile
                    // (a password reset during a tenant's import) take the express slot instead of waiting
                    // for a slot behind batches of low-priority work.
                    if (express.IsCompleted && await urgentClaimer.ClaimAsync(queue, stop, JobPriority.Normal) is { Count: > 0 } urgent)
                    {
                        express = ProcessAsync(urgent, drainToken);
                        continue;
                    }
                    wake ??= _signals.WaitAsync(queue, _options.PollInterval, stop);
                    await Task.WhenAny([.. inFlight, wake]);
                    if (wake.IsCompleted) wake = null;
                    continue;
                }

                wake = await CooldownAsync(claimer, lastClaim, queue, inFlight, wake, stop);
                lastClaim = _clock.GetTimestamp();
                var jobs = await ClaimAsync(claimer, queue, stop);
                if (jobs.FirstOrDefault(j => j.Crashes > 0) is { } suspect) suspects.Add(RunSuspectsAsync(suspect, stop, drainToken));
                if (jobs.Any(j => j.Crashes == 0)) inFlight.Add(ProcessAsync([.. jobs.Where(j => j.Crashes == 0)], drainToken));
                if (jobs.Count > 0) continue;

                _events?.OnIdle(queue);
                var next = await claimer.NextDueAsync(queue, _suspectSlot.CurrentCount > 0, stop);
                var wait = next is { } due ? Min(due - _clock.GetUtcNow(), _options.PollInterval) : _options.PollInterval;
                wake ??= _signals.WaitAsync(queue, _options.PollInterval, stop);
                // Due already but not claimed (it came due just after the claim, or another replica holds it for a
                // moment): look again shortly rather than at once, so a job locked elsewhere is not spun on.
                await Task.WhenAny(wake, Task.Delay(wait > DueRetry ? wait : DueRetry, _clock, stop));
                if (wake.IsCompleted) (wake, lastClaim) = (null, 0);   // woken from idle: nothing to gather behind, claim at once
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                _log.LogError(e, "queue {Queue}: claim failed; retrying shortly", queue);
                try { await Task.Delay(TimeSpan.FromSeconds(1), stop); } catch (OperationCanceledException) { break; }
            }
        }
        await Task.WhenAll([.. inFlight, express, .. suspects]);
    }

    /// <summary>A batch, and a suspect besides it when this processor's suspect slot is free (the slot is then the suspect's).</summary>
    private async Task<IReadOnlyList<Job>> ClaimAsync(JobClaimer claimer, string queue, CancellationToken stop)
    {
        var withSuspect = _suspectSlot.Wait(0);
        try
        {
            var jobs = await claimer.ClaimAsync(queue, stop, withSuspect: withSuspect);
            if (withSuspect && !jobs.Any(j => j.Crashes > 0)) _suspectSlot.Release();
            return jobs;
        }
        catch
        {
            if (withSuspect) _suspectSlot.Release();
            throw;
        }
    }

    /// <summary>
    /// Runs a suspect on its own, then the queue's next suspects one after another while there are any (claimed alone,
    /// straight after the last: after a crash they are the jobs the dead worker held, and waiting for the queue's next
    /// batch claim between them made recovery crawl), then frees the slot and wakes every queue: the next suspect may be in any.
    /// </summary>
    private async Task RunSuspectsAsync(Job first, CancellationToken stop, CancellationToken drainToken)
    {
        var claimer = new JobClaimer(_db, _options);
        try
        {
            for (var suspect = first; suspect is not null;
                 suspect = stop.IsCancellationRequested ? null : await claimer.ClaimSuspectAsync(first.Queue, stop))
            {
                _log.LogWarning("queue {Queue}: running job {JobId} ({Kind}) alone: a worker died holding it ({Crashes} time(s))",
                    suspect.Queue, suspect.Id, suspect.Kind, suspect.Crashes);
                await ProcessAsync([suspect], drainToken);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception e)
        {
            _log.LogError(e, "queue {Queue}: claiming the next suspect failed; the queue's next claim takes it", first.Queue);
        }
        finally
        {
            _suspectSlot.Release();
            foreach (var q in _options.Queues) _signals.Signal(q);
        }
    }

    /// <summary>
    /// After a claim that was not full, the next waits out <see cref="QueueProcessorOptions.FetchCooldown"/> while this queue
    /// still has a batch in flight, so a steady stream gathers into batches behind it; once none is in flight, a wake-up
    /// (a commit) claims at once: an idle worker waiting out the whole cooldown held every send of a steady few hundred a
    /// second for half of it on average (docs/decisions/claim-behind-the-batch-in-flight.md). Returns the outstanding
    /// wake-up wait, null once one was consumed.
    /// </summary>
    private async Task<Task<bool>?> CooldownAsync(JobClaimer claimer, long lastClaim, string queue, List<Task> inFlight, Task<bool>? wake,
        CancellationToken stop)
    {
        if (_options.FetchCooldown <= TimeSpan.Zero || claimer.LastWasFull || lastClaim == 0) return wake;
        var left = _options.FetchCooldown - _clock.GetElapsedTime(lastClaim);
        if (left <= TimeSpan.Zero) return wake;
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var cooldown = Task.Delay(left, _clock, cut.Token);
        var idle = Task.WhenAll(inFlight);
        if (await Task.WhenAny(cooldown, idle) == idle)
        {
            wake ??= _signals.WaitAsync(queue, _options.PollInterval, stop);
            await Task.WhenAny(cooldown, wake);
            if (wake.IsCompleted) wake = null;
        }
        stop.ThrowIfCancellationRequested();
        cut.Cancel();
        return wake;
    }

    private async Task ProcessAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
    {
        _leases.Track(jobs);
        try
        {
            var results = new JobResult[jobs.Count];
            foreach (var group in jobs.Select((job, index) => (job, index)).GroupBy(x => x.job.Kind))
            {
                var batch = group.Select(x => x.job).ToList();
                var handled = await HandleAsync(group.Key, batch, ct);
                var i = 0;
                foreach (var (_, index) in group) results[index] = handled[i++];
            }
            await _ack.AcknowledgeAsync(jobs, results, ct);
            _events?.OnAcknowledged(jobs[0].Queue, jobs, results);
        }
        catch (Exception e)
        {
            // Unacknowledged jobs are not lost: their lease expires and the rescuer hands them out again.
            _log.LogError(e, "acknowledging {Count} jobs failed; the rescuer will return them", jobs.Count);
        }
        finally
        {
            _leases.Untrack(jobs);
        }
    }

    private async Task<IReadOnlyList<JobResult>> HandleAsync(string kind, IReadOnlyList<Job> batch, CancellationToken ct)
    {
        if (!_handlers.TryGetValue(kind, out var handler))
            return batch.Select(_ => (JobResult)new JobResult.Failed($"no handler for job kind '{kind}'")).ToList();
        using var activity = JobTracing.StartProcessing(kind, batch);
        // Every line the handler logs says which queue and kind, and the tenant when the batch is one tenant's.
        using var scope = _log.BeginScope(new Dictionary<string, object?>
        {
            ["Queue"] = batch[0].Queue, ["JobKind"] = kind, ["Jobs"] = batch.Count,
            ["TenantId"] = batch.All(j => j.TenantId == batch[0].TenantId) ? batch[0].TenantId : null,
        });
        try
        {
            var results = await handler.HandleAsync(batch, ct);
            if (results.Count != batch.Count)
                throw new InvalidOperationException($"handler '{kind}' returned {results.Count} results for {batch.Count} jobs");
            return results;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            _log.LogError(e, "handler {Kind} failed for a batch of {Count}", kind, batch.Count);
            return batch.Select(_ => (JobResult)new JobResult.Retry($"handler error: {e.GetType().Name}: {e.Message}")).ToList();
        }
    }

    private async Task RescueAsync(CancellationToken ct)
    {
        var rescue = await _leases.RescueAsync(
            e => _log.LogError(e, "after setting jobs aside: an after-commit action failed; the change itself is committed"), ct);
        foreach (var queue in rescue.ReturnedTo)
        {
            _log.LogWarning("queue {Queue}: rescued jobs whose lease expired", queue);
            _signals.Signal(queue);
        }
        foreach (var (job, verdict, worker) in rescue.Dead)
            _log.LogError("queue {Queue}: job {JobId} ({Kind}, tenant {TenantId}) is dead: {Reason}; last held by {Worker}",
                job.Queue, job.Id, job.Kind, job.TenantId, verdict.Error, worker);
        foreach (var queue in rescue.Dead.Where(d => d.Verdict.Outcome == RescueOutcome.SetAside).GroupBy(d => d.Job.Queue))
            _metrics?.SetAside(queue.Key, queue.Count());
    }

    private async Task EveryAsync(TimeSpan period, Func<CancellationToken, Task> action, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(period, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                try { await action(ct); }
                catch (Exception e) when (e is not OperationCanceledException) { _log.LogWarning(e, "periodic queue task failed"); }
        }
        catch (OperationCanceledException) { }
    }

    private static readonly TimeSpan DueRetry = TimeSpan.FromMilliseconds(10);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
