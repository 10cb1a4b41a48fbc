using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Preferences;

/// <summary>
/// Categories, per-user preferences, and the signed links that act without a login. Backends use
/// `/api/v1/services/users/{userId}/preferences` (scope `users:preferences`); end users `/api/v1/users/me/preferences`
/// with their own token (<see cref="EndUser.Policy"/>). Both call the same handlers.
/// </summary>
public static class PreferenceEndpoints
{
    private const int BodyLimit = 64 * 1024;

    public static IServiceCollection AddPreferences(this IServiceCollection services) => services
        .AddSingleton<CategoryStore>()
        .AddSingleton<PreferenceStore>()
        .AddSingleton<PreferenceLinks>()
        .AddSingleton<PreferenceService>()
        .AddSingleton<PreferenceGate>();

    public static void MapPreferences(this WebApplication app)
    {
        app.MapCategories();
        var group = app.MapGroup("/api/v1/services/users/{userId}/preferences").WithTags("Preferences").RequireScopes();
        group.MapGet("/", (string userId, HttpContext http, PreferenceService service, CancellationToken ct) =>
            service.GetAsync(http.User.TenantId(), CheckedForLookup(userId), ct))
            .WithSummary("Get a user's preferences and what applies to each category")
            .ProducesProblem(400);
        group.MapPut("/", (string userId, HttpContext http, PreferenceService service, CancellationToken ct) =>
            service.WriteAsync(http.User.TenantId(), Checked(userId), http.Request, replace: true, ct))
            .WithSummary("Replace a user's preferences").Accepts<PreferencesDocument>("application/json").ProducesProblem(422);
        group.MapPatch("/", (string userId, HttpContext http, PreferenceService service, CancellationToken ct) =>
            service.WriteAsync(http.User.TenantId(), Checked(userId), http.Request, replace: false, ct))
            .WithSummary("Change some of a user's preferences (null removes a setting)")
            .Accepts<PreferencesDocument>("application/json").ProducesProblem(422);
        app.MapMyPreferences();
        UnsubscribePages.Map(app);
    }

    /// <summary>`/api/v1/users/me/preferences`: the tenant and the user come from the end-user token, never the request.</summary>
    private static void MapMyPreferences(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users/me/preferences").WithTags("End users: preferences").RequireAuthorization(EndUser.Policy);
        group.MapGet("/", async (HttpContext http, PreferenceService service, CancellationToken ct) =>
        {
            var me = EndUser.From(http.User);
            return await service.GetAsync(me.TenantId, me.UserId, ct);
        }).WithSummary("Get my preferences");
        group.MapPut("/", async (HttpContext http, PreferenceService service, CancellationToken ct) =>
        {
            var me = EndUser.From(http.User);
            return await service.WriteAsync(me.TenantId, me.UserId, http.Request, replace: true, ct);
        }).WithSummary("Replace my preferences").Accepts<PreferencesDocument>("application/json").ProducesProblem(422);
        group.MapPatch("/", async (HttpContext http, PreferenceService service, CancellationToken ct) =>
        {
            var me = EndUser.From(http.User);
            return await service.WriteAsync(me.TenantId, me.UserId, http.Request, replace: false, ct);
        }).WithSummary("Change some of my preferences (null removes a setting)")
            .Accepts<PreferencesDocument>("application/json").ProducesProblem(422);
    }

    private static string Checked(string userId)
    {
        PreferenceRules.CheckUserId(userId);
        return userId;
    }

    /// <summary>A read takes any userId a write once stored, even one from before today's userId rule.</summary>
    private static string CheckedForLookup(string userId) =>
        UserIdRule.LookupProblem(userId) is { } problem ? throw RequestValidationException.For("userId", problem) : userId;
}

/// <summary>The handlers behind both the service and the end-user routes: the tenant and user come from the caller.</summary>
public sealed class PreferenceService(CategoryStore categories, PreferenceStore store, UserIdGate gate)
{
    public async Task<Ok<PreferencesView>> GetAsync(Guid tenantId, string userId, CancellationToken ct) =>
        TypedResults.Ok(View(userId, await store.GetAsync(tenantId, UserKeys.ForUser(userId), ct) ?? StoredPreferences.Empty,
            await categories.ForTenantAsync(tenantId, ct)));

    public async Task<Ok<PreferencesView>> WriteAsync(Guid tenantId, string userId, HttpRequest request, bool replace, CancellationToken ct)
    {
        var (doc, raw) = await JsonBody.ReadAsync<PreferencesDocument>(request, 64 * 1024, ct);
        await gate.AdmitAsync(tenantId, userId, "userId", ct);   // both routes: an end user's token may predate the erase
        var tenantCategories = await categories.ForTenantAsync(tenantId, ct);
        var key = UserKeys.ForUser(userId);
        var current = replace ? null : await store.GetAsync(tenantId, key, ct);
        // PATCH tells "quietHours": null (remove them) from no quietHours at all (keep them); PUT always replaces.
        var quietGiven = replace || JsonNode.Parse(raw) is JsonObject o && o.ContainsKey("quietHours");
        var next = PreferenceRules.Apply(current, doc, quietGiven, tenantCategories);
        await store.SaveAsync(tenantId, key, next, ct);
        return TypedResults.Ok(View(userId, next, tenantCategories));
    }

    /// <summary>The user's own settings, and per tenant category and channel what a send would do now (quiet hours aside).</summary>
    public static PreferencesView View(string userId, StoredPreferences p, TenantCategories categories) => new(
        userId, p.Channels,
        p.Categories.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, bool>)c.Value), p.QuietHours, p.TopicSettings,
        categories.All.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, bool>)Channels.ChannelNames.All.ToDictionary(
            ch => ch, ch => c.Required || (p.OwnChoice(c.Key, ch) ?? c.DefaultFor(ch)))),
        [.. categories.All.Select(c => new CategoryLabel(c.Key, c.Name, c.Description, c.Required))],
        p.DigestSettings);
}
