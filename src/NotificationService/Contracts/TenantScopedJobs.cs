namespace NotificationService.Contracts;

/// <summary>
/// A Hangfire job class whose every job works for one tenant, though its arguments are ids that never name the tenant:
/// the suspension hold asks it whose a job is, and a suspended tenant's job waits (Features/Tenancy/Suspension). The
/// platform's own jobs (a tenant's deletion, maintenance) are no tenant's and do not implement it: they run regardless.
/// </summary>
public interface ITenantScopedJobs
{
    /// <summary>The tenant the job with these arguments works for; null when it names nothing that exists any more.</summary>
    Task<Guid?> TenantOfAsync(IReadOnlyList<object?> args, CancellationToken ct);
}
