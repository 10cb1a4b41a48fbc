using NotificationService.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Channels;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Queue;

namespace NotificationService.Features.Operations.QueueAdmin;

/// <summary>`/api/v1/admin/queues`: depth per queue, the dead-job list and retry. Scoped to the caller's tenant.</summary>
public static class QueueAdminEndpoints
{
    public sealed record QueueView(string Queue, long Ready, long Scheduled, long Running, long Dead, double? OldestReadyAgeSeconds);

    public static IServiceCollection AddQueueAdmin(this IServiceCollection services) => services
        .AddSingleton<DeadJobRetry>()
        .AddSingleton<IRetainedData, DeadJobRetention>();

    public static void MapQueueAdmin(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/queues").WithTags("Admin: queues").RequireScopes();

        group.MapGet("/", async (HttpContext http, JobQueue queue, CancellationToken ct) =>
        {
            var stats = (await queue.StatsAsync(http.User.TenantId(), ct)).ToDictionary(s => s.Queue);
            return TypedResults.Ok(ChannelNames.All.Concat(stats.Keys).Distinct().Select(q => stats.TryGetValue(q, out var s)
                ? new QueueView(q, s.Ready, s.Scheduled, s.Running, s.Dead, s.OldestReadyAge?.TotalSeconds)
                : new QueueView(q, 0, 0, 0, 0, null)).ToList());
        }).WithSummary("Queue depths per state and the oldest ready job's age");

        group.MapGet("/{queue}/dead", async Task<Ok<IReadOnlyList<DeadJob>>> (string queue, int? limit, long? after, HttpContext http,
                JobQueue jobs, CancellationToken ct) =>
            TypedResults.Ok(await jobs.ListDeadAsync(http.User.TenantId(), queue, Math.Clamp(limit ?? 50, 1, 100), after, ct)))
            .WithSummary("List a queue's dead jobs");

        group.MapPost("/{queue}/dead/{jobId:long}/retry", async Task<Results<Ok<DeadJob>, NotFound>> (
            string queue, long jobId, HttpContext http, DeadJobRetry retry, CancellationToken ct) =>
            await retry.RetryAsync(http.User.TenantId(), queue, jobId, ct) is { } job ? TypedResults.Ok(job) : TypedResults.NotFound())
            .WithSummary("Retry a dead job").Audited("dead_job.retry", "job");

        group.MapDelete("/{queue}/dead/{jobId:long}", async Task<Results<NoContent, NotFound>> (string queue, long jobId, HttpContext http,
                JobQueue jobs, CancellationToken ct) =>
            await jobs.DeleteDeadAsync(http.User.TenantId(), queue, jobId, ct) is not null
                ? TypedResults.NoContent()
                : TypedResults.NotFound())
            .WithSummary("Delete a dead job").Audited("dead_job.delete", "job");
    }
}
