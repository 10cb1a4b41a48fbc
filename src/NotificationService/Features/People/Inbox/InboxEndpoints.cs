using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Inbox;

public sealed record InboxIdsRequest(Guid[]? Ids);
public sealed record MarkAllReadRequest
{
    public string? Category { get; init; }
}
public sealed record InboxUpdated(int Updated);

/// <summary>
/// `/api/v1/users/me/notifications`: the signed-in end user's inbox. The tenant and user come from the token
/// (<see cref="EndUser"/>), so an id of another user or tenant is simply not found.
/// </summary>
public static class InboxEndpoints
{
    public const int DefaultPage = 20, MaxPage = 100, MaxIds = 1000, MaxCategoryLength = 100;
    private static readonly string[] Statuses = ["unread", "read", "all"], ArchivedModes = ["exclude", "include", "only"];

    public static IServiceCollection AddInbox(this IServiceCollection services)
    {
        services.AddSingleton<InboxStore>();
        services.AddSingleton<InboxStreamHub>();
        services.AddSingleton<InboxEventReader>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxStreamHub>());
        services.AddSingleton<InboxSweeper>().AddSingleton<IRecurringJobs, InboxRecurringJobs>();
        services.AddSingleton<IRetainedData, InboxEventRetention>();   // stream events past the replay window
        return services;
    }

    public static void MapInbox(this WebApplication app)
    {
        var me = app.MapGroup("/api/v1/users/me").WithTags("End users: inbox").RequireAuthorization(EndUser.Policy);
        me.MapInboxStream();
        var g = me.MapGroup("/notifications");

        g.MapGet("/", async (HttpContext http, InboxStore store, string? status, string? archived, string? category, int? limit,
            string? cursor, CancellationToken ct) =>
        {
            var u = EndUser.From(http.User);
            return Results.Ok(await store.ListAsync(u.TenantId, u.UserId, Query(status, archived, category, limit, cursor), ct));
        }).WithSummary("List the user's notifications, newest first (keyset cursor)").Produces<InboxPageDoc>().ProducesValidationProblem();

        g.MapGet("/unread-count", async (HttpContext http, InboxStore store, CancellationToken ct) =>
        {
            var u = EndUser.From(http.User);
            return Results.Ok(await store.CountsAsync(u.TenantId, u.UserId, ct));
        }).WithSummary("Exact unread, unseen and total counts (read from counters, never counted)").Produces<InboxCounts>();

        g.MapGet("/{id:guid}", async (HttpContext http, InboxStore store, Guid id, CancellationToken ct) =>
        {
            var u = EndUser.From(http.User);
            return Results.Text(
                (await store.GetAsync(u.TenantId, u.UserId, id, ct) ?? throw new NotFoundException("Notification")).ToJsonString(),
                "application/json");
        }).WithSummary("Get one notification of the user").Produces<InboxItemDoc>().ProducesProblem(StatusCodes.Status404NotFound);

        g.MapPost("/mark-all-read", async (HttpContext http, InboxStore store, CancellationToken ct) =>
        {
            var u = EndUser.From(http.User);
            var (body, _) = await JsonBody.ReadAsync<MarkAllReadRequest>(http.Request, 4096, ct);   // `{}` for every category
            if (body.Category is { Length: 0 or > MaxCategoryLength })
                throw RequestValidationException.For("category", $"category must be 1 to {MaxCategoryLength} characters.");
            return Results.Ok(new InboxUpdated(await store.ApplyAsync(u.TenantId, u.UserId, InboxChange.Read, null, body.Category, ct)));
        }).WithSummary("Mark every unread notification read (optionally of one category)").Accepts<MarkAllReadRequest>("application/json")
            .Produces<InboxUpdated>().ProducesValidationProblem();

        foreach (var (path, change, summary) in Changes)
        {
            g.MapPost($"/{{id:guid}}/{path}", (HttpContext http, InboxStore store, Guid id, CancellationToken ct)
                => ApplyOneAsync(http, store, change, id, ct))
                .WithSummary($"{summary} one notification").Produces(StatusCodes.Status204NoContent)
                .ProducesProblem(StatusCodes.Status404NotFound);
            g.MapPost($"/{path}", (HttpContext http, InboxStore store, CancellationToken ct) => ApplyManyAsync(http, store, change, ct))
                .WithSummary($"{summary} several notifications (`ids`, at most {MaxIds})").Accepts<InboxIdsRequest>("application/json")
                .Produces<InboxUpdated>().ProducesValidationProblem();
        }
        // PATCH as well as POST for read and unread: the verb the seeds' user API names them with.
        foreach (var (path, change, summary) in Changes.Where(c => c.Change == InboxChange.Read || c.Change == InboxChange.Unread))
            g.MapPatch($"/{{id:guid}}/{path}", (HttpContext http, InboxStore store, Guid id, CancellationToken ct)
                => ApplyOneAsync(http, store, change, id, ct))
                .WithSummary($"{summary} one notification (as POST)").Produces(StatusCodes.Status204NoContent)
                .ProducesProblem(StatusCodes.Status404NotFound);
        g.MapDelete("/{id:guid}", (HttpContext http, InboxStore store, Guid id, CancellationToken ct)
            => ApplyOneAsync(http, store, InboxChange.Delete, id, ct))
            .WithSummary("Delete one notification").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static readonly (string Path, InboxChange Change, string Summary)[] Changes =
    [
        ("read", InboxChange.Read, "Mark read"), ("unread", InboxChange.Unread, "Mark unread"), ("seen", InboxChange.Seen, "Mark seen"),
        ("archive", InboxChange.Archive, "Archive"), ("unarchive", InboxChange.Unarchive, "Unarchive"),
        ("delete", InboxChange.Delete, "Delete"),
    ];

    private static async Task<IResult> ApplyOneAsync(HttpContext http, InboxStore store, InboxChange change, Guid id, CancellationToken ct)
    {
        var u = EndUser.From(http.User);
        // Nothing changed is either "already so" (204) or "not the user's" (404): only then is the extra probe paid.
        if (await store.ApplyAsync(u.TenantId, u.UserId, change, [id], null, ct) == 0
            && !await store.ExistsAsync(u.TenantId, u.UserId, id, ct))
            throw new NotFoundException("Notification");
        return Results.NoContent();
    }

    private static async Task<IResult> ApplyManyAsync(HttpContext http, InboxStore store, InboxChange change, CancellationToken ct)
    {
        var u = EndUser.From(http.User);
        var (body, _) = await JsonBody.ReadAsync<InboxIdsRequest>(http.Request, 64 * 1024, ct);
        if (body.Ids is not { Length: > 0 and <= MaxIds })
            throw RequestValidationException.For("ids", $"ids must list 1 to {MaxIds} notification ids.");
        return Results.Ok(new InboxUpdated(await store.ApplyAsync(u.TenantId, u.UserId, change, body.Ids.Distinct().ToArray(), null, ct)));
    }

    private static InboxQuery Query(string? status, string? archived, string? category, int? limit, string? cursor)
    {
        var errors = new Dictionary<string, string[]>();
        status ??= "all";
        archived ??= "exclude";
        if (!Statuses.Contains(status)) errors["status"] = [$"status must be one of {string.Join(", ", Statuses)}."];
        if (!ArchivedModes.Contains(archived)) errors["archived"] = [$"archived must be one of {string.Join(", ", ArchivedModes)}."];
        if (category is { Length: 0 or > MaxCategoryLength })
            errors["category"] = [$"category must be 1 to {MaxCategoryLength} characters."];
        if (limit is < 1 or > MaxPage) errors["limit"] = [$"limit must be 1 to {MaxPage}."];
        var after = cursor is null ? null : InboxCursor.Decode(cursor);
        if (cursor is not null && after is null) errors["cursor"] = ["cursor is not one this API returned."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return new InboxQuery(status, archived, category, limit ?? DefaultPage, after);
    }
}

/// <summary>The shape of an inbox item, for the API document (items are served as stored JSON).</summary>
public sealed record InboxItemDoc(Guid Id, string? Title, string? Body, string? ActionUrl, string? Icon, string? Category,
    Dictionary<string, string>? Data, DateTimeOffset CreatedAt, DateTimeOffset? SeenAt, DateTimeOffset? ReadAt, DateTimeOffset? ArchivedAt,
    DateTimeOffset? ExpiresAt, InboxActionDoc[]? Actions, string? Thread);

/// <summary>An action button of an item (at most two); a click is reported with `POST /{id}/click` and its index.</summary>
public sealed record InboxActionDoc(string Label, string Url);

public sealed record InboxPageDoc(InboxItemDoc[] Items, string? NextCursor);

/// <summary>Where `expiresAt` of an in_app send is stored: the notification's metadata (ISO 8601, see SendExpiry).</summary>
public static class InboxExpiry
{
    public const string MetadataKey = "expiresAt";

    public static bool TryParse(System.Text.Json.Nodes.JsonNode? value, out DateTimeOffset at)
    {
        at = default;
        return value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) && TryParse(text, out at);
    }

    public static bool TryParse(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out at);
}
