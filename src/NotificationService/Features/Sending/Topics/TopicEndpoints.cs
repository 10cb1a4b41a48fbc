using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Queue;
using NotificationService.Features.People.Recipients;

namespace NotificationService.Features.Sending.Topics;

/// <summary>
/// Topics under `/api/v1/services/topics`: PUT creates or renames, GET shows the exact member count, DELETE removes the
/// topic and its members, a keyset list; members are added and removed up to 10,000 at a time, listed by userId, and a
/// user's topics are `/api/v1/services/users/{userId}/topics`. Scopes `topics:write` and `topics:read` (admin implies
/// both). The tenant comes from the key: another tenant's topic is a 404.
/// </summary>
public static class TopicEndpoints
{
    public const string Path = "/api/v1/services/topics";
    /// <summary>10,000 userIds of up to 256 characters, with room for JSON escapes.</summary>
    private const int MembersBodyLimit = 4 * 1024 * 1024;

    public static IServiceCollection AddTopics(this IServiceCollection services)
    {
        services.AddSingleton<TopicStore>()
            .AddSingleton<FanOutStore>()
            .AddSingleton<FanOutAccept>()
            .AddSingleton<ITopicSendAcceptor>(sp => sp.GetRequiredService<FanOutAccept>())
            .AddSingleton<FanOutDrafts>()
            .AddSingleton<FanOutQuota>()
            .AddSingleton<IJobHandler, FanOutJobHandler>()
            .AddSingleton(new WorkQueue(FanOutJobHandler.QueueName))
            .AddSingleton<TopicEventStore>()
            .AddSingleton<LiveEventBudget>()
            .AddSingleton<ITopicStreamSource>(sp => sp.GetRequiredService<TopicEventStore>())
            .AddSingleton<IRetainedData, TopicEventRetention>();
        return services;
    }

    public static void MapTopics(this WebApplication app)
    {
        var group = app.MapGroup(Path).WithTags("Topics").RequireScopes();
        group.MapGet("/", ListAsync).WithSummary("List topics with their member counts (keyset cursor)");
        group.MapGet("/{key}", GetAsync).WithSummary("Get a topic and its exact member count")
            .ProducesValidationProblem();
        group.MapPut("/{key}", PutAsync).WithSummary("Create a topic or change its name and description")
            .Accepts<TopicRequest>("application/json");
        group.MapDelete("/{key}", DeleteAsync).WithSummary("Delete a topic and its members")
            .ProducesValidationProblem();
        group.MapPost("/{key}/members", AddMembersAsync)
            .WithSummary("Add up to 10,000 members (idempotent: members already in are not counted again)")
            .Accepts<MembersRequest>("application/json");
        group.MapDelete("/{key}/members", RemoveMembersAsync)
            .WithSummary("Remove up to 10,000 members (idempotent)").Accepts<MembersRequest>("application/json");
        group.MapGet("/{key}/members", MembersAsync).WithSummary("List a topic's members by userId (keyset cursor)");
        app.MapGet("/api/v1/services/users/{userId}/topics", UserTopicsAsync).WithTags("Topics").RequireScopes()
            .WithSummary("List the topics a user is a member of");
        app.MapFanOuts();
        app.MapLiveEvents();
    }

    private static async Task<Ok<TopicPage>> ListAsync(string? cursor, int? limit, HttpContext http, TopicStore store, CancellationToken ct)
    {
        var size = KeysetCursor.Limit(limit);
        var page = await store.ListAsync(http.User.TenantId(), KeysetCursor.Decode(cursor), size, ct);
        return TypedResults.Ok(new TopicPage(page, page.Count == size ? KeysetCursor.Encode(page[^1].Key) : null));
    }

    private static async Task<Ok<TopicView>> GetAsync(string key, HttpContext http, TopicStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetAsync(http.User.TenantId(), TopicRules.CheckedKey(key), ct));

    private static async Task<Results<Created<TopicView>, Ok<TopicView>>> PutAsync(string key, HttpContext http, TopicStore store,
        CancellationToken ct)
    {
        TopicRules.CheckedKey(key);
        var (body, _) = await JsonBody.ReadAsync<TopicRequest>(http.Request, 64 * 1024, ct);
        var errors = new Dictionary<string, string[]>();
        if (body.Key is not null && body.Key != key) errors["key"] = ["The key is the path's: it cannot change."];
        TopicRules.CheckDetails(body.Name, body.Description, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var (topic, created) = await store.UpsertAsync(http.User.TenantId(), key, body.Name, body.Description, ct);
        return created ? TypedResults.Created($"{Path}/{Uri.EscapeDataString(key)}", topic) : TypedResults.Ok(topic);
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string key, HttpContext http, TopicStore store,
        CancellationToken ct) =>
        await store.DeleteAsync(http.User.TenantId(), TopicRules.CheckedKey(key), ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static Task<Ok<MembersChanged>> AddMembersAsync(string key, HttpContext http, TopicStore store, UserIdGate gate,
        CancellationToken ct) =>
        ChangeMembersAsync(key, http, store, gate, remove: false, ct);

    private static Task<Ok<MembersChanged>> RemoveMembersAsync(string key, HttpContext http, TopicStore store, UserIdGate gate,
        CancellationToken ct) =>
        ChangeMembersAsync(key, http, store, gate, remove: true, ct);

    private static async Task<Ok<MembersChanged>> ChangeMembersAsync(string key, HttpContext http, TopicStore store, UserIdGate gate,
        bool remove, CancellationToken ct)
    {
        TopicRules.CheckedKey(key);
        var (body, _) = await JsonBody.ReadAsync<MembersRequest>(http.Request, MembersBodyLimit, ct);
        var userIds = TopicRules.CheckedUserIds(body.UserIds);
        if (!remove) await gate.AdmitAsync(http.User.TenantId(), userIds, i => $"userIds[{Array.IndexOf(body.UserIds!, userIds[i])}]", ct);
        return TypedResults.Ok(await store.ChangeMembersAsync(http.User.TenantId(), key, userIds, remove, ct));
    }

    private static async Task<Ok<MemberPage>> MembersAsync(string key, string? cursor, int? limit, HttpContext http, TopicStore store,
        CancellationToken ct)
    {
        var tenantId = http.User.TenantId();
        var size = KeysetCursor.Limit(limit, max: 1000);
        var after = KeysetCursor.Decode(cursor);
        await store.GetAsync(tenantId, TopicRules.CheckedKey(key), ct);   // 404 for a topic the tenant does not have
        var page = await store.MembersAsync(tenantId, key, after, size, ct);
        return TypedResults.Ok(new MemberPage(page, page.Count == size ? KeysetCursor.Encode(page[^1].UserId) : null));
    }

    private static async Task<Ok<UserTopicPage>> UserTopicsAsync(string userId, string? cursor, int? limit, HttpContext http,
        TopicStore store, CancellationToken ct)
    {
        if (UserIdRule.LookupProblem(userId) is { } problem) throw RequestValidationException.For("userId", problem);
        var size = KeysetCursor.Limit(limit);
        var page = await store.OfUserAsync(http.User.TenantId(), userId, KeysetCursor.Decode(cursor), size, ct);
        return TypedResults.Ok(new UserTopicPage(userId, page, page.Count == size ? KeysetCursor.Encode(page[^1].Key) : null));
    }
}
