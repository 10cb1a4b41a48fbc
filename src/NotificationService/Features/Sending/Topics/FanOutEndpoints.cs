using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>
/// A send to topics answers with a fan-out: `GET /api/v1/services/notifications/fan-outs/{id}` shows its progress
/// (members done of the snapshot's total, notifications created, rows/s) and `POST …/cancel` stops it: chunks not yet
/// committed are not created; notifications already created are delivered as usual (cancel each with its own cancel).
/// </summary>
public static class FanOutEndpoints
{
    public static void MapFanOuts(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/services/notifications" + FanOutAccept.StatusPath).WithTags("Topics").RequireScopes();
        group.MapGet("/{id:guid}", GetAsync).WithSummary("Get a fan-out's progress (a send to topics)");
        group.MapPost("/{id:guid}/cancel", CancelRouteAsync).WithSummary("Cancel a fan-out: members not yet reached get nothing");
    }

    private static async Task<Results<Ok<FanOutStatus>, NotFound>> GetAsync(Guid id, HttpContext http, FanOutStore store,
        CancellationToken ct) =>
        await store.GetAsync(http.User.TenantId(), id, ct) is { } s ? TypedResults.Ok(s) : TypedResults.NotFound();

    private static async Task<Ok<FanOutStatus>> CancelRouteAsync(Guid id, HttpContext http, FanOutStore store, CancellationToken ct) =>
        TypedResults.Ok(await CancelAsync(store, http.User.TenantId(), id, ct));

    /// <summary>The API's cancel, also the console's: 404 for another tenant's fan-out, 409 for one that has ended.</summary>
    public static Task<FanOutStatus> CancelAsync(FanOutStore store, Guid tenantId, Guid id, CancellationToken ct) =>
        CancelAsync(store, tenantId, id, FanOutKind.Send, ct);

    /// <summary>The same for a fan-out of <paramref name="kind"/> (a workflow trigger's: the workflows API's cancel).</summary>
    public static async Task<FanOutStatus> CancelAsync(FanOutStore store, Guid tenantId, Guid id, string kind, CancellationToken ct)
    {
        if (!await store.CancelAsync(tenantId, id, kind, ct))
        {
            var status = await store.GetAsync(tenantId, id, kind, ct) ?? throw new NotFoundException("The fan-out");
            throw new ConflictException($"The fan-out is already {status.Status}.");
        }
        return (await store.GetAsync(tenantId, id, kind, ct))!;
    }
}
