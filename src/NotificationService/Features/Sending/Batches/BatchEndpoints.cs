using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Batches;

/// <summary>send-batch, send-chunk, and the batch's live status and pages, under the services API.</summary>
public static class BatchEndpoints
{
    public static IServiceCollection AddBatches(this IServiceCollection services) => services
        .AddSingleton<BatchExpander>()
        .AddSingleton<BatchHandler>()
        .AddSingleton<BatchStore>()
        .AddSingleton<BatchQueries>();

    public static void MapBatches(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/services/notifications").WithTags("Batches").RequireScopes();
        group.MapPost("/send-batch", SendBatchAsync).WithSummary("Send one message to up to 1,000 recipients")
            .Accepts<SendBatchRequest>("application/json").Produces<BatchAccepted>(202).ProducesValidationProblem()
            .ProducesValidationProblem(422);
        group.MapPost("/send-chunk", SendChunkAsync)
            .WithSummary("Send one chunk of a larger batch (for clients that page their own lists)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Accepts<SendChunkRequest>("application/json").Produces<BatchAccepted>(202).ProducesValidationProblem();
        group.MapGet("/batches/{batchId:guid}", GetAsync).WithSummary("Get a batch's counts per status");
        group.MapGet("/batches/{batchId:guid}/notifications", PageAsync).WithSummary("Page through a batch's notifications");
    }

    private static async Task<IResult> SendBatchAsync(HttpContext http, BatchHandler handler, CancellationToken ct)
    {
        var (request, raw) = await JsonBody.ReadAsync<SendBatchRequest>(http.Request, ct: ct);
        SendValidator.CheckOverrideScope(request, http.User);
        await RateLimitEndpoints.EnforceAsync(http, EndpointClass.Batch, request.Recipients?.Length ?? 1, ct); // charged per recipient
        return Reply(http, await handler.SendBatchAsync(http.User.TenantId(), request, raw, IdempotencyKey(http), ct));
    }

    private static async Task<IResult> SendChunkAsync(HttpContext http, BatchHandler handler, CancellationToken ct)
    {
        var (request, raw) = await JsonBody.ReadAsync<SendChunkRequest>(http.Request, ct: ct);
        await RateLimitEndpoints.EnforceAsync(http, EndpointClass.Batch, request.Recipients?.Length ?? 1, ct);
        return Reply(http, await handler.SendChunkAsync(http.User.TenantId(), request, raw, IdempotencyKey(http), ct));
    }

    private static async Task<Results<Ok<BatchStatus>, NotFound>> GetAsync(Guid batchId, HttpContext http, BatchQueries queries,
        CancellationToken ct) =>
        await queries.GetAsync(http.User.TenantId(), batchId, ct) is { } b ? TypedResults.Ok(b) : TypedResults.NotFound();

    private static async Task<Results<Ok<BatchPage>, NotFound>> PageAsync(Guid batchId, string? status, string? cursor, int? limit,
        HttpContext http, BatchQueries queries, CancellationToken ct) =>
        await queries.PageAsync(http.User.TenantId(), batchId, status, cursor, limit, ct) is { } p
            ? TypedResults.Ok(p) : TypedResults.NotFound();

    private static string? IdempotencyKey(HttpContext http) => http.Request.Headers[IdempotencyStore.Header].FirstOrDefault();

    private static IResult Reply(HttpContext http, BatchHandler.Outcome outcome)
    {
        if (outcome.Replayed) http.Response.Headers[IdempotencyStore.ReplayedHeader] = "true";
        return Results.Content(outcome.Body, "application/json", statusCode: outcome.StatusCode);
    }
}
