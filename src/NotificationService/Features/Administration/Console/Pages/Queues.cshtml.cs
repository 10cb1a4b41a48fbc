using Microsoft.AspNetCore.Mvc;
using NotificationService.Channels;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Operations.QueueAdmin;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>Hangfire-style queue page: depths per state, the oldest ready job, dead jobs with their error, retry one or many.
/// An operator (an owner, admin or operator of the `Admin:OperatorTenant` team) sees every tenant's queues and can pick one;
/// anyone else sees their own.
/// Scheduled sends, their cancel and the live counts are in Queues.Scheduled.cs.</summary>
public sealed partial class QueuesModel(JobQueue jobs, DeadJobRetry retry, TenantStore tenants, AuditLog audit, NotificationSearch search,
    NotificationLedger ledger, IEnumerable<WorkQueue> queues, DeadJobSubjects subjects) : ConsolePage
{
    public IReadOnlyList<QueueStats> Stats { get; private set; } = [];
    public IReadOnlyList<DeadJob> Dead { get; private set; } = [];
    /// <summary>What each dead job was for (its notifications and their recipients, a webhook delivery, a bulk job).</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<SubjectLink>> Subjects { get; private set; } =
        new Dictionary<long, IReadOnlyList<SubjectLink>>();
    public IReadOnlyList<Tenant>? Tenants { get; private set; }
    public Guid? Tenant { get; private set; }
    public string Queue { get; private set; } = ChannelNames.Email;

    public async Task OnGetAsync(string? queue, Guid? tenant, CancellationToken ct)
    {
        Tenant = IsOperator ? tenant : TenantId;
        if (IsOperator) Tenants = await tenants.ListTenantsAsync(500, ct);
        Stats = QueueListing.All(queues, await jobs.StatsAsync(Tenant, ct));   // every queue, the bulk and webhook ones too
        Queue = queue is not null && Stats.Any(s => s.Queue == queue)
            ? queue
            : Stats.FirstOrDefault(s => s.Dead > 0)?.Queue ?? ChannelNames.Email;
        Dead = await jobs.ListDeadAsync(Tenant, Queue, 100, null, ct);
        Subjects = await subjects.ForAsync(Dead, TenantId, ct, MasksPersonalData);
        if (Tenant is { } one) Scheduled = await search.ScheduledAsync(one, Queue, 100, ct);
    }

    public async Task<IActionResult> OnPostRetryAsync(string queue, Guid? tenant, long[] jobIds, CancellationToken ct)
    {
        var scope = IsOperator ? tenant : TenantId;
        var retried = 0;
        foreach (var id in jobIds.Distinct().Take(500))
        {
            // An operator retrying across tenants acts in the job's own tenant; anyone else only ever in theirs.
            var owner = scope ?? (await jobs.ListDeadAsync(null, queue, 1, id - 1, ct)).FirstOrDefault(j => j.Id == id)?.TenantId;
            if (owner is null || await retry.RetryAsync(owner.Value, queue, id, ct) is not { } job) continue;
            await audit.RecordAsync(Caller, owner.Value, "dead_job.retry", "job", id.ToString(), null,
                new { job.Id, job.Queue, job.Kind, job.TenantId }, ct);
            retried++;
        }
        Flash = $"{retried} of {jobIds.Length} job(s) sent back to the queue.";
        return RedirectToPage(new { queue, tenant });
    }

    public async Task<IActionResult> OnPostDeleteAsync(string queue, Guid? tenant, long[] jobIds, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var id in jobIds.Distinct().Take(500))
        {
            if (await jobs.DeleteDeadAsync(IsOperator ? tenant : TenantId, queue, id, ct) is not { } job) continue;
            // An operator's change is recorded in the tenant whose job it was (AuditLog.RecordAsync), not the operator's own.
            await audit.RecordAsync(Caller, job.TenantId, "dead_job.delete", "job", id.ToString(),
                new { job.Id, job.Queue, job.Kind, job.TenantId, job.LastError }, null, ct);
            deleted++;
        }
        Flash = $"{deleted} of {jobIds.Length} job(s) deleted.";
        return RedirectToPage(new { queue, tenant });
    }
}
