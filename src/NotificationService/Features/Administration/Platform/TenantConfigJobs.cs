using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.Options;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// A tenant's export or import as a Hangfire job on the `operator` queue, its only argument the job row's id (never the
/// tenant's, nor anything of its configuration). The row is the outbox: the request commits it, then enqueues; the
/// recurring pickup enqueues a job for a row whose request stopped in between. Bounded: `Platform:ConfigJobMinutes` (30)
/// of work, an export of at most `Platform:ExportMaxBytes` (64 MiB). A run starts only a queued row, so a second job of
/// one row (the pickup's and the request's) finds it taken and does nothing. A failure is recorded on the row, field by
/// field for an import refused, and not retried: an import stopped part-way keeps what it wrote, as the synchronous
/// import does. A suspended tenant's job waits (<see cref="ITenantScopedJobs"/>).
/// </summary>
public sealed class TenantConfigJobs(TenantConfigJobStore store, TenantStore tenants, IServiceScopeFactory scopes,
    IBackgroundJobClient jobs, IOptions<JsonOptions> json, IConfiguration config, TimeProvider clock,
    ILogger<TenantConfigJobs> log) : ITenantScopedJobs
{
    public const string Interrupted =
        "The import stopped part-way (the service stopped); what it imported stays: import the rest, or delete the tenant.";

    private TimeSpan Limit => TimeSpan.FromMinutes(Math.Max(0.1, config.GetValue("Platform:ConfigJobMinutes", 30.0)));
    private long ExportMaxBytes => Math.Max(1, config.GetValue("Platform:ExportMaxBytes", 64L * 1024 * 1024));

    /// <summary>After the job's row committed: the job that runs it, and the row marked as having one.</summary>
    public async Task EnqueueAsync(Guid tenantId, Guid jobId, CancellationToken ct)
    {
        jobs.Enqueue<TenantConfigJobs>(j => j.RunAsync(jobId, CancellationToken.None));
        await store.MarkEnqueuedAsync(tenantId, jobId, ct);
    }

    [Queue(JobQueues.Operator)]
    [DisableConcurrentExecution("tenant-config-job:{0}", 600)]
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Tenant configuration job {0}")]
    public async Task RunAsync(Guid jobId, CancellationToken stopping)
    {
        // Done already, or gone with its tenant: nothing to do.
        if (await store.ForRunAsync(jobId, withDocument: true, stopping) is not { Status: "queued" or "running" } row) return;
        // Running, yet no other run holds the lock: the run that started it stopped (a shutdown, a crash). An export starts
        // again; an import cannot tell what it wrote, so it says so.
        if (row is { Status: "running", Kind: TenantConfigJobStore.Import })
        {
            await FailAsync(row, Interrupted, stopping);
            return;
        }
        await store.StartAsync(row.TenantId, row.Id, stopping);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bounded.CancelAfter(Limit);
        try
        {
            var (document, outcome) = row.Kind == TenantConfigJobStore.Export
                ? await ExportAsync(row.TenantId, bounded.Token) : await ImportAsync(row, bounded.Token);
            await store.FinishAsync(row.TenantId, row.Id, true, document, outcome, stopping);
        }
        catch (ApiException e)
        {
            var outcome = new JsonObject { ["detail"] = e.Message };
            if (e is RequestValidationException v) outcome["errors"] = JsonSerializer.SerializeToNode(v.Errors);
            await store.FinishAsync(row.TenantId, row.Id, false, null, outcome, stopping);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            await FailAsync(row, $"Stopped after {Limit.TotalMinutes:0.#} minutes (Platform:ConfigJobMinutes).", stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Logged here by the job's id; Hangfire's failed state would keep the message, which may quote the tenant's configuration.
            log.LogError(e, "tenant configuration job {JobId} failed", row.Id);
            await FailAsync(row, "The job failed; the service's log names the cause by the job's id.", stopping);
        }
    }

    private Task FailAsync(TenantConfigJobRow row, string detail, CancellationToken ct) =>
        store.FinishAsync(row.TenantId, row.Id, false, null, new JsonObject { ["detail"] = detail }, ct);

    private async Task<(byte[], JsonObject)> ExportAsync(Guid tenantId, CancellationToken ct)
    {
        if (await tenants.FindRecordAsync(tenantId, ct) is not { } t) throw new NotFoundException("The tenant");
        await using var scope = scopes.CreateAsyncScope();
        var document = await scope.ServiceProvider.GetRequiredService<TenantExport>()
            .ExportAsync(new ExportedTenant(t.Id, t.Name, t.Slug), ct);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, json.Value.SerializerOptions);
        if (bytes.Length > ExportMaxBytes)
            throw new PayloadTooLargeException($"The export is {bytes.Length} bytes, above Platform:ExportMaxBytes ({ExportMaxBytes}).");
        return (bytes, new JsonObject
        {
            ["result"] = new JsonObject
            {
                ["bytes"] = bytes.Length, ["templates"] = document.Templates.Count, ["workflows"] = document.Workflows.Count,
            },
        });
    }

    private async Task<(byte[]?, JsonObject)> ImportAsync(TenantConfigJobRow row, CancellationToken ct)
    {
        var document = JsonSerializer.Deserialize<TenantExportDocument>(row.Document!, JsonBody.Options)!;   // read and checked at accept
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<TenantImport>().ImportAsync(row.TenantId, document, ct);
        return (null, new JsonObject { ["result"] = JsonSerializer.SerializeToNode(result, json.Value.SerializerOptions) });
    }

    public async Task<Guid?> TenantOfAsync(IReadOnlyList<object?> args, CancellationToken ct) =>
        args is [Guid jobId, ..] ? (await store.ForRunAsync(jobId, withDocument: false, ct))?.TenantId : null;

    /// <summary>
    /// The recurring pickup: a job for each row whose request committed and stopped before enqueueing one; and finished jobs
    /// older than `Platform:ConfigJobDays` (7) go with their documents.
    /// </summary>
    [Queue(JobQueues.Maintenance)]
    [DisableConcurrentExecution("tenant-config-jobs-pickup", 60)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Tenant exports and imports: enqueue any left without a job, expire finished ones")]
    public async Task PickUpAsync(CancellationToken ct)
    {
        foreach (var (tenantId, id) in await store.WithoutJobAsync(clock.GetUtcNow() - TimeSpan.FromMinutes(1), ct))
            await EnqueueAsync(tenantId, id, ct);
        while (await store.ExpireAsync(clock.GetUtcNow() - TimeSpan.FromDays(config.GetValue("Platform:ConfigJobDays", 7.0)), ct) > 0) { }
    }
}

/// <summary>The pickup of exports and imports left without a job, every minute (`Platform:ConfigJobPickupCron`).</summary>
public sealed class TenantConfigRecurringJobs(IConfiguration config) : IRecurringJobs
{
    public void Register(IRecurringJobManager recurring) => recurring.AddOrUpdate<TenantConfigJobs>("tenant-config-jobs:pickup",
        JobQueues.Maintenance, j => j.PickUpAsync(CancellationToken.None), config["Platform:ConfigJobPickupCron"] ?? Cron.Minutely(),
        new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}
