using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Recipients;

/// <summary>
/// Recipient profiles under `/api/v1/services/users`: PUT creates or replaces, PATCH merges (RFC 7396,
/// `application/merge-patch+json`), GET reads, the list searches by exact email or phone or a userId prefix, and
/// `POST /bulk` identifies up to 1,000 users in one statement (<see cref="BulkIdentify"/>). Scopes `users:write` and
/// `users:read` (admin implies both); the tenant comes from the key, so another tenant's user is simply not there.
/// </summary>
public static class RecipientEndpoints
{
    public const string Path = "/api/v1/services/users";
    public const string MergePatchType = "application/merge-patch+json";
    /// <summary>One profile: 16 KB of data and the fields, with room for JSON escapes.</summary>
    public const int BodyLimit = 96 * 1024;

    public static IServiceCollection AddRecipients(this IServiceCollection services)
    {
        services.AddSingleton<ProfileStore>();
        services.AddSingleton<UserBlocklist>();
        services.AddSingleton<UserIdGate>();
        return services;
    }

    public static void MapRecipients(this WebApplication app)
    {
        var group = app.MapGroup(Path).WithTags("Recipients").RequireScopes();
        group.MapGet("/", ListAsync)
            .WithSummary("List recipient profiles by userId (keyset cursor), or find them by exact email or phone or a userId prefix");
        group.MapPost("/bulk", BulkIdentify.HandleAsync)
            .WithSummary("Create, replace or merge up to 1,000 profiles; results in request order")
            .Accepts<BulkIdentifyRequest>("application/json");
        group.MapGet("/{userId}", GetAsync).WithSummary("Get a recipient profile");
        group.MapPut("/{userId}", PutAsync)
            .WithSummary("Create or replace a recipient profile").Accepts<ProfileDocument>("application/json");
        group.MapPatch("/{userId}", PatchAsync)
            .WithSummary("Merge a JSON Merge Patch (RFC 7396) into a recipient profile, creating it if needed")
            .Accepts<ProfileDocument>(MergePatchType);
        app.MapMyProfile();
    }

    private static async Task<Ok<ProfileView>> GetAsync(string userId, HttpContext http, ProfileStore store, CancellationToken ct) =>
        TypedResults.Ok(
            (await store.FindAsync(http.User.TenantId(), Checked(userId), ct) ?? throw new NotFoundException("The profile")).ToView());

    private static async Task<Results<Created<ProfileView>, Ok<ProfileView>>> PutAsync(string userId, HttpContext http,
        ProfileStore store, CancellationToken ct)
    {
        Checked(userId);
        var (doc, _) = await JsonBody.ReadAsync<System.Text.Json.Nodes.JsonObject>(http.Request, BodyLimit, ct);
        return Answer(await WriteOneAsync(store, http.User.TenantId(), ProfileWrite.Of(userId, merge: false, doc), ct));
    }

    private static async Task<Results<Created<ProfileView>, Ok<ProfileView>>> PatchAsync(string userId, HttpContext http,
        ProfileStore store, CancellationToken ct)
    {
        Checked(userId);
        return Answer(await WriteOneAsync(store, http.User.TenantId(),
            ProfileWrite.Of(userId, merge: true, await ReadPatchAsync(http.Request, ct)), ct));
    }

    /// <summary>A merge patch body: `application/merge-patch+json` (415 otherwise), a JSON object (a patch of another kind
    /// would replace the whole profile, which is what PUT is for).</summary>
    public static async Task<System.Text.Json.Nodes.JsonObject> ReadPatchAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is not { } type || !type.StartsWith(MergePatchType, StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaTypeException($"Send the patch as {MergePatchType} (RFC 7396).");
        return (await JsonBody.ReadAsync<System.Text.Json.Nodes.JsonObject>(request, BodyLimit, ct)).Value;
    }

    /// <summary>One write in a transaction of its own: its errors are the request's 400, nothing written.</summary>
    public static async Task<ProfileWriteResult> WriteOneAsync(ProfileStore store, Guid tenantId, ProfileWrite write, CancellationToken ct)
    {
        var result = (await store.WriteAsync(tenantId, [write], "", ct))[0];
        if (result.Errors is { } errors) throw new RequestValidationException(errors, result.Blocked ? 409 : 400);
        return result;
    }

    private static Results<Created<ProfileView>, Ok<ProfileView>> Answer(ProfileWriteResult result) =>
        result.Status == ProfileWriteResult.Created
        ? TypedResults.Created($"{Path}/{Uri.EscapeDataString(result.UserId!)}", result.Profile!.ToView())
        : TypedResults.Ok(result.Profile!.ToView());

    private static async Task<Ok<ProfilePage>> ListAsync(string? cursor, int? limit, string? email, string? phone, string? userIdPrefix,
        HttpContext http, ProfileStore store, CancellationToken ct)
    {
        var size = limit is null ? 50
            : limit is >= 1 and <= 200 ? limit.Value : throw RequestValidationException.For("limit", "A limit from 1 to 200.");
        var after = cursor is null ? null
            : Cursor.Decode(cursor) ?? throw RequestValidationException.For("cursor", "Use the nextCursor of the previous page.");
        if (email is { Length: 0 or > 320 }) throw RequestValidationException.For("email", "An email address of at most 320 characters.");
        if (phone is { Length: 0 or > 16 }) throw RequestValidationException.For("phone", "An E.164 phone number.");
        if (userIdPrefix is { Length: 0 or > RecipientRules.MaxUserIdLength })
            throw RequestValidationException.For("userIdPrefix", $"A prefix of 1 to {RecipientRules.MaxUserIdLength} characters.");
        var filter = new ProfileFilter(Addresses.Normalize("email", email), phone, userIdPrefix);
        var page = await store.ListAsync(http.User.TenantId(), filter, after, size, ct);
        return TypedResults.Ok(new ProfilePage([.. page.Select(p => p.ToView())],
            page.Count == size ? Cursor.Encode(page[^1].UserId) : null));
    }

    /// <summary>A userId in the path of a read, an export or an erase: any a user may have been stored under
    /// (<see cref="UserIdRule.LookupProblem"/>); a write checks the full rule where it stores the profile.</summary>
    public static string Checked(string userId) =>
        UserIdRule.LookupProblem(userId) is { } problem ? throw RequestValidationException.For("userId", problem) : userId;

    /// <summary>The keyset cursor: the last userId of a page, base64url so that any userId survives a query string.</summary>
    private static class Cursor
    {
        public static string Encode(string userId) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(userId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static string? Decode(string cursor)
        {
            var s = cursor.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
            try
            {
                var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(s));
                return text.Length is > 0 and <= RecipientRules.MaxUserIdLength && StorableText.IsStorable(text) ? text : null;
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return null;
            }
        }
    }
}
