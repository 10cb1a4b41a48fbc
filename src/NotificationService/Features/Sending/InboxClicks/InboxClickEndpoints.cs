using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.InboxClicks;

/// <summary>`{}` for the item's own link (`actionUrl`), or the index of the action button that was clicked.</summary>
public sealed record InboxClickRequest
{
    public int? Action { get; init; }
}

/// <summary>
/// `POST /api/v1/users/me/notifications/{id}/click`: the end user followed an item's link or one of its action buttons.
/// The in_app notification moves to `clicked` through the ledger (history with source `user`, the
/// `notification.clicked` webhook; `delivered` is implied first, as for email), and the item is read. Its own folder
/// because it joins the inbox (whose item it is) and the ledger (whose status it is): the Notifications feature already
/// depends on the inbox, so the inbox cannot call the ledger without a cycle.
/// </summary>
public static class InboxClickEndpoints
{
    public const string Source = "user";

    /// <summary>Inbox changes (read, seen, unread, archive) reach the ledger through <see cref="InboxEngagement"/>.</summary>
    public static IServiceCollection AddInboxClicks(this IServiceCollection services) =>
        services.AddSingleton<IInboxReadSubscriber, InboxEngagement>();

    public static void MapInboxClicks(this WebApplication app) =>
        app.MapPost("/api/v1/users/me/notifications/{id:guid}/click", ClickAsync).WithTags("End users: inbox")
            .RequireAuthorization(EndUser.Policy)
            .WithSummary("Record a click on a notification's link or action button (status clicked, webhook); the item becomes read")
            .Accepts<InboxClickRequest>("application/json").Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> ClickAsync(HttpContext http, InboxStore inbox, NotificationLedger ledger, Guid id,
        CancellationToken ct)
    {
        var user = EndUser.From(http.User);
        var (body, _) = await JsonBody.ReadAsync<InboxClickRequest>(http.Request, 4096, ct);
        var item = await inbox.GetAsync(user.TenantId, user.UserId, id, ct) ?? throw new NotFoundException("Notification");
        var detail = Detail(item, body.Action);

        await using (var tx = await ledger.BeginAsync(ct))
        {
            await ledger.ApplyReportsAsync(tx, user.TenantId, Source,
                [new ReportedStatus(id, null, NotificationStatuses.Clicked, detail, null, DateTimeOffset.UtcNow)], ct);
            await tx.CommitAsync(ct);
        }
        await inbox.ApplyAsync(user.TenantId, user.UserId, InboxChange.Read, [id], null, ct);
        return Results.NoContent();
    }

    /// <summary>The history's detail: which link was followed (its index, never the URL or label, which the item holds).</summary>
    private static string Detail(JsonNode item, int? action)
    {
        if (action is not { } i)
            return item["actionUrl"] is not null
                ? "inbox: link"
                : throw RequestValidationException.For("action", "This notification has no link: name the action button (its index).");
        var count = (item["actions"] as JsonArray)?.Count ?? 0;
        if (i < 0 || i >= count)
            throw RequestValidationException.For("action",
                count == 0 ? "This notification has no action buttons." : $"action is 0 to {count - 1}.");
        return $"inbox: action {i}";
    }
}
