using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>
/// The `erase_user` job on the `erase` queue. Its row in `erase_jobs` is the checkpoint, so a killed worker's job is
/// rescued by the queue and resumes at its phase (and keyset position):
/// <list type="number">
/// <item>collect: the profile's addresses and name, and the addresses of the user's notifications, join the (encrypted)
/// subject; with `block`, the userId's keyed hash is stored, so nothing can bring the user back meanwhile;</item>
/// <item>files: stored CSV files, error rows and previews naming the person (waits for a running bulk job that does);</item>
/// <item>records: devices, preferences, suppressions, idempotent answers, parked callbacks, audit entries, job errors;</item>
/// <item>notifications: the person's notifications in small batches (<see cref="NotificationEraser"/>);</item>
/// <item>settle: waits for the delivery jobs that were sending one of them, and looks again at what they wrote;</item>
/// <item>finish: the inbox's counters and events, then the profile, with the job's completion, in one transaction.</item>
/// </list>
/// Every step is idempotent: a step cut off by a crash runs again.
/// </summary>
public sealed class EraseJobHandler(NpgsqlDataSource db, EraseJobStore store, NotificationQueries notifications, ProfileStore profiles,
    UserBlocklist blocklist, PersonRecords records, NotificationEraser eraser, ILogger<EraseJobHandler> log) : JobHandler<EraseJob>
{
    public const string QueueName = "erase";
    /// <summary>Addresses of the user's notifications added to the subject (a user is sent to a handful of them).</summary>
    private const int MaxAddresses = 100;
    private static readonly TimeSpan WaitForBulk = TimeSpan.FromSeconds(5), WaitForDelivery = TimeSpan.FromMilliseconds(500);

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(
        IReadOnlyList<(Job Job, EraseJob Args)> jobs, CancellationToken ct) =>
        await Task.WhenAll(jobs.Select(j => RunAsync(j.Job.TenantId, j.Args.EraseJobId, ct)));

    private async Task<JobResult> RunAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        try
        {
            return await StepsAsync(tenantId, id, ct);
        }
        catch (EraseJobLostException)
        {
            // This run's lease expired and another run took the job over (a stall on a busy host): it carries on from the
            // checkpoint, and nothing this run was writing committed.
            log.LogWarning("erase job {EraseJob} of tenant {TenantId} was taken over by another run", id, tenantId);
            return JobResult.Done;
        }
    }

    private async Task<JobResult> StepsAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        var runner = Guid.NewGuid();
        var takeOver = true;
        while (await store.StartAsync(tenantId, id, runner, takeOver, ct) is { } job)
        {
            takeOver = false;
            switch (job.Phase)
            {
                case "collect":
                    await CollectAsync(job, ct);
                    break;
                case "files":
                    if (job.WaitingForBulk.Length > 0 && (await records.StillRunningAsync(tenantId, job.WaitingForBulk, ct)).Length > 0)
                        return new JobResult.Throttled(WaitForBulk, "waiting for a running bulk job whose file names the person");
                    var files = await records.ForgetFilesAsync(tenantId, job.Subject, ct);
                    var counts = new JsonObject { ["bulkFiles"] = files.FilesDropped, ["bulkErrorRows"] = files.ErrorRowsDropped };
                    await store.AdvanceAsync(job, files.RunningWithPerson.Length > 0 ? "files" : "records", counts,
                        files.RunningWithPerson, ct);
                    if (files.RunningWithPerson.Length > 0)
                        return new JobResult.Throttled(WaitForBulk, "waiting for a running bulk job whose file names the person");
                    break;
                case "records":
                    await store.AdvanceAsync(job, "notifications", await records.ForgetRecordsAsync(tenantId, job.Subject, ct), null, ct);
                    break;
                case "notifications":
                    await eraser.RunAsync(job, ct);
                    await store.AdvanceAsync(job, "settle", new JsonObject(), null, ct);
                    break;
                case "settle":
                    if (!await eraser.SettleAsync(job, ct))
                        return new JobResult.Throttled(WaitForDelivery, "waiting for a delivery that was sending to the person");
                    await store.AdvanceAsync(job, "finish", new JsonObject(), null, ct);
                    break;
                case "finish":
                    await FinishAsync(job, ct);
                    log.LogInformation("erase job {EraseJob} of tenant {TenantId} completed", id, tenantId);
                    return JobResult.Done;
                default:
                    return new JobResult.Failed($"erase job {id} is in an unknown phase '{job.Phase}'");
            }
        }
        return JobResult.Done; // completed already
    }

    /// <summary>The subject grows from the userId to everything that names the person; the block is stored with it.</summary>
    private async Task CollectAsync(EraseJobState job, CancellationToken ct)
    {
        var profile = await profiles.FindAsync(job.TenantId, job.Subject.UserId, ct);
        var (emails, phones) = await notifications.AddressesOfUserAsync(job.TenantId, job.Subject.UserId, MaxAddresses, ct);
        var subject = job.Subject with
        {
            Emails = [.. new[] { profile?.Fields.Email }.OfType<string>().Concat(emails).Concat(job.Subject.Emails)
                .Distinct(StringComparer.Ordinal)],
            Phones = [.. new[] { profile?.Fields.Phone }.OfType<string>().Concat(phones).Concat(job.Subject.Phones)
                .Distinct(StringComparer.Ordinal)],
            Name = profile?.Fields.Name ?? job.Subject.Name,
        };
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (job.Block) await blocklist.BlockAsync(conn, tx, job.TenantId, subject.UserId, ct);
        await store.SaveSubjectAsync(conn, tx, job, subject, "files", ct);
        await tx.CommitAsync(ct);
    }

    private async Task FinishAsync(EraseJobState job, CancellationToken ct)
    {
        var inboxState = await records.ForgetInboxAsync(job.TenantId, job.Subject, ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // A second DELETE with block=true may have joined this erase after it collected: block here too (idempotent).
        if (job.Block) await blocklist.BlockAsync(conn, tx, job.TenantId, job.Subject.UserId, ct);
        var deleted = await profiles.DeleteAsync(conn, tx, job.TenantId, job.Subject.UserId, ct);
        // Every item of the registry is in the report, 0 when the person had none of it: the report says what was looked at.
        var counts = new JsonObject(PersonData.ReportItems.Select(item => KeyValuePair.Create(item, (JsonNode?)0)));
        (counts["profile"], counts["inboxState"]) = (deleted ? 1 : 0, inboxState);
        await EraseJobStore.CompleteAsync(conn, tx, job, counts, ct);
        await tx.CommitAsync(ct);
    }
}
