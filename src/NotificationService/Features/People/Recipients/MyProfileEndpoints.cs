using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Recipients;

/// <summary>
/// `/api/v1/users/me/profile`: the signed-in end user reads their profile and changes what is theirs to change (name,
/// locale, timezone). Email, phone, avatarUrl and data belong to the tenant's backend, which verifies addresses before it
/// sends to them: naming one is a 403 naming the field, and nothing is written.
/// </summary>
public static class MyProfileEndpoints
{
    public static readonly string[] UserFields = ["name", "locale", "timezone"];
    private static readonly string[] BackendFields = ["email", "phone", "avatarUrl", "data", "chat"];

    public static void MapMyProfile(this WebApplication app)
    {
        var me = app.MapGroup("/api/v1/users/me/profile").WithTags("End users: profile").RequireAuthorization(EndUser.Policy);
        me.MapGet("/", async Task<Ok<ProfileView>> (HttpContext http, ProfileStore store, CancellationToken ct) =>
        {
            var user = EndUser.From(http.User);
            return TypedResults.Ok(
                (await store.FindAsync(user.TenantId, user.UserId, ct) ?? throw new NotFoundException("Your profile")).ToView());
        }).WithSummary("Get my profile").ProducesProblem(StatusCodes.Status404NotFound);

        me.MapPatch("/", async Task<Ok<ProfileView>> (HttpContext http, ProfileStore store, CancellationToken ct) =>
        {
            var user = EndUser.From(http.User);
            var patch = await RecipientEndpoints.ReadPatchAsync(http.Request, ct);
            var owned = patch.Select(p => p.Key).Where(BackendFields.Contains)
                .ToDictionary(f => f, f => new[] { $"{f} is set by the tenant's backend, not by the user." });
            if (owned.Count > 0)
                throw new RequestValidationException(owned, 403,
                    $"You may change {string.Join(", ", UserFields)}; not {string.Join(", ", owned.Keys)}.");
            var result = await RecipientEndpoints.WriteOneAsync(store, user.TenantId, ProfileWrite.Of(user.UserId, merge: true, patch), ct);
            return TypedResults.Ok(result.Profile!.ToView());
        }).WithSummary("Change my name, locale or timezone (JSON Merge Patch, RFC 7396)")
            .Accepts<MyProfilePatch>(RecipientEndpoints.MergePatchType)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}

/// <summary>What an end user may change in their profile (a JSON Merge Patch: null removes a field).</summary>
public sealed record MyProfilePatch
{
    public string? Name { get; init; }
    /// <summary>BCP 47, e.g. fr-CA.</summary>
    public string? Locale { get; init; }
    /// <summary>IANA, e.g. Europe/Paris.</summary>
    public string? Timezone { get; init; }
}
