using NotificationService.Queue;

namespace NotificationService.Features.Tenancy.Suspension;

/// <summary>
/// Work a suspended tenant had accepted waits instead of running: around every job handler, the jobs of suspended tenants
/// are answered "throttled" (postponed without using an attempt, so none dies of the suspension) and only the others
/// reach the handler. Each held job looks again after <see cref="Recheck"/>, so resume continues it within that time, where
/// it stood: nothing ran, so nothing is lost or done twice.
/// </summary>
public sealed class SuspendedTenantHold(IJobHandler inner, TenantSuspension suspension, TimeSpan recheck) : IJobHandler
{
    public const string Reason = "tenant suspended: held until it is resumed";
    public TimeSpan Recheck => recheck;
    public string Kind => inner.Kind;

    public async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
    {
        var held = new bool[jobs.Count];
        var any = false;
        foreach (var tenant in jobs.Select(j => j.TenantId).Distinct())
            if (await suspension.IsSuspendedAsync(tenant, ct))
            {
                any = true;
                for (var i = 0; i < jobs.Count; i++) held[i] |= jobs[i].TenantId == tenant;
            }
        if (!any) return await inner.HandleAsync(jobs, ct);

        var running = jobs.Where((_, i) => !held[i]).ToList();
        var results = running.Count == 0 ? Array.Empty<JobResult>() : await inner.HandleAsync(running, ct);
        var merged = new JobResult[jobs.Count];
        for (int i = 0, r = 0; i < jobs.Count; i++) merged[i] = held[i] ? new JobResult.Throttled(recheck, Reason) : results[r++];
        return merged;
    }

    public Task OnSetAsideAsync(QueueTransaction tx, IReadOnlyList<DeadJob> jobs, CancellationToken ct)
        => inner.OnSetAsideAsync(tx, jobs, ct);

    /// <summary>Every handler of the host, each wrapped (`Tenants:SuspendedJobRecheckSeconds`, default 5).</summary>
    public static IEnumerable<IJobHandler> Around(IServiceProvider services) =>
        services.GetServices<IJobHandler>()
            .Select(h => (IJobHandler)new SuspendedTenantHold(h, services.GetRequiredService<TenantSuspension>(),
                TimeSpan.FromSeconds(services.GetRequiredService<IConfiguration>().GetValue("Tenants:SuspendedJobRecheckSeconds", 5.0))))
            .ToList();
}
