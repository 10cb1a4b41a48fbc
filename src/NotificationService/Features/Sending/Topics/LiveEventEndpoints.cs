using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>`POST /api/v1/services/events`: to users or to topics (not both), a type (the SSE event is `app.&lt;type&gt;`)
/// and any JSON data.</summary>
public sealed record LiveEventRequest
{
    public LiveEventTargets? To { get; init; }
    public string? Type { get; init; }
    public JsonNode? Data { get; init; }
}

public sealed record LiveEventTargets
{
    public string[]? UserIds { get; init; }
    public string[]? Topics { get; init; }
}

/// <summary>The 202 answer: how many users' streams got it (to users), or the topic-event number it took (to topics).</summary>
public sealed record LiveEventAccepted(string Type, int? Users, IReadOnlyList<string>? Topics, long? Sequence);

/// <summary>
/// Live application events (what a backend would `emit` over Socket.io): not notifications — no inbox item, no count,
/// no delivery — but an event on the live streams of the users named, or of every member of the topics named, with an
/// id in the stream's sequence so a reconnect with Last-Event-ID replays it while it is kept. To users: one row per user
/// in their own sequence, one statement. To topics: one row per topic, whatever the number of members.
/// Charged before the 202 by what it causes: the users named, or the topics' members, to the tenant's recipient budget
/// (<see cref="RecipientBudget"/>), then the bytes it stores (data × rows) to its live-event storage
/// (<see cref="LiveEventBudget"/>); a refusal stores nothing.
/// </summary>
public static class LiveEventEndpoints
{
    public const int MaxDataBytes = 16 * 1024;
    public const int MaxUsers = 1_000;

    public static void MapLiveEvents(this WebApplication app) =>
        app.MapPost("/api/v1/services/events", PublishAsync).WithTags("Topics").RequireScopes()
            .WithSummary("Publish a live event (SSE `app.<type>`) to users' or topics' members' streams")
            .Accepts<LiveEventRequest>("application/json");

    private static async Task<Accepted<LiveEventAccepted>> PublishAsync(HttpContext http, InboxStore inbox, TopicStore topics,
        TopicEventStore events, RecipientBudget recipients, LiveEventBudget storage, UserIdGate gate, CancellationToken ct)
    {
        var (body, _) = await JsonBody.ReadAsync<LiveEventRequest>(http.Request, 512 * 1024, ct);
        var tenantId = http.User.TenantId();
        var errors = new Dictionary<string, string[]>();
        if (!TopicRules.IsKey(body.Type))
            errors["type"] = ["A type is 1 to 100 letters, digits, '.', '_', ':' or '-' (e.g. ticket.status_changed)."];
        var data = body.Data?.ToJsonString() ?? "{}";
        var dataBytes = Encoding.UTF8.GetByteCount(data);
        if (dataBytes > MaxDataBytes) errors["data"] = [$"At most {MaxDataBytes / 1024} KB of JSON."];
        var to = body.To;
        if (to is null || (to.UserIds is null) == (to.Topics is null)) errors["to"] = ["Give to.userIds or to.topics (one of them)."];
        string[] userIds = [], keys = [];
        if (to?.UserIds is { } users && to.Topics is null)
        {
            try { userIds = TopicRules.CheckedUserIds(users, "to.userIds", MaxUsers); }
            catch (RequestValidationException e) { foreach (var (k, v) in e.Errors) errors[k] = v; }
        }
        if (to?.Topics is not null && to.UserIds is null) keys = TopicRules.CheckedTopics(to.Topics, "to.topics", errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);

        if (userIds.Length > 0)
        {
            await gate.AdmitAsync(tenantId, userIds, i => $"to.userIds[{Array.IndexOf(to!.UserIds!, userIds[i])}]", ct);
            await recipients.ChargeAsync(tenantId, userIds.Length, "This live event", ct);
            await storage.ChargeAsync(tenantId, (long)userIds.Length * dataBytes, ct);   // one row per user
            var reached = await inbox.PublishAppEventAsync(tenantId, userIds, body.Type!, data, ct);
            return TypedResults.Accepted((string?)null, new LiveEventAccepted(body.Type!, reached, null, null));
        }
        var members = await topics.RequireAllAsync(tenantId, keys, ct);   // another tenant's topic is a 404: its members never hear this
        await recipients.ChargeAsync(tenantId, members, "This live event to topics", ct);
        await storage.ChargeAsync(tenantId, (long)keys.Length * dataBytes, ct);   // one row per topic, not per member
        var seq = await events.PublishAsync(tenantId, keys, body.Type!, data, ct);
        return TypedResults.Accepted((string?)null, new LiveEventAccepted(body.Type!, null, keys, seq));
    }
}
