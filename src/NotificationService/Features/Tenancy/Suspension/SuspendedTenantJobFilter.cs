using Hangfire.States;
using NotificationService.Contracts;

namespace NotificationService.Features.Tenancy.Suspension;

/// <summary>
/// A suspended tenant's Hangfire jobs wait, as its jobs on the service's own queue do (<see cref="SuspendedTenantHold"/>):
/// when a worker is about to run a job of an <see cref="ITenantScopedJobs"/> class whose tenant is suspended, the job is
/// scheduled again after `Jobs:SuspendedRecheckSeconds` (default 60) instead, so its work never starts while the tenant is
/// suspended, and starts within that time of the resume. Hangfire's worker drops a job whose election ends in any state
/// but Processing, so nothing of it runs. The platform's own jobs (a tenant's deletion) are no tenant's: they run.
/// Each recheck is one state change in the job's history: a minute apart, a held day is 1,440 of them.
/// </summary>
public sealed class SuspendedTenantJobFilter(IServiceScopeFactory scopes, TenantSuspension suspension, IConfiguration config)
    : IElectStateFilter
{
    public TimeSpan Recheck { get; } = TimeSpan.FromSeconds(Math.Max(0.1, config.GetValue("Jobs:SuspendedRecheckSeconds", 60.0)));

    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not ProcessingState || context.BackgroundJob?.Job is not { } job
            || !typeof(ITenantScopedJobs).IsAssignableFrom(job.Type)) return;
        // Hangfire's filters are synchronous; a worker is a thread of its own, so waiting here holds no one else.
        if (HeldAsync(job.Type, job.Args).GetAwaiter().GetResult())
            context.CandidateState = new ScheduledState(Recheck) { Reason = SuspendedTenantHold.Reason };
    }

    private async Task<bool> HeldAsync(Type type, IReadOnlyList<object?> args)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tenant = await ((ITenantScopedJobs)scope.ServiceProvider.GetRequiredService(type)).TenantOfAsync(args, CancellationToken.None);
        return tenant is { } id && await suspension.IsSuspendedAsync(id, CancellationToken.None);
    }
}
