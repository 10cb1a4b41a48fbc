using Npgsql;

namespace NotificationService.Queue.Tests.Queue;

public sealed record Claim(IReadOnlyList<Job> Jobs, Guid NextCursor, bool MoreMayBeDue);

/// <summary>Drives the queue's claim statement directly, one claim at a time, with an explicit round-robin cursor.</summary>
public sealed class JobClaimer(NpgsqlDataSource db)
{
    public const int TenantWindow = 64;

    public async Task<Claim> ClaimAsync(string queue, string worker, int batchSize, TimeSpan lease, Guid? cursor = null)
    {
        var claimer = new NotificationService.Queue.JobClaimer(db, new QueueProcessorOptions
            { WorkerId = worker, BatchSize = batchSize, Lease = lease, MaxTenantsPerClaim = TenantWindow }) { Cursor = cursor ?? Guid.Empty };
        var jobs = await claimer.ClaimAsync(queue, CancellationToken.None);
        return new Claim(jobs, claimer.Cursor, claimer.Cursor != Guid.Empty);
    }
}
