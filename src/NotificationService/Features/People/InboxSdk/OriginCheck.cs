using NotificationService.Features.People.WebOrigins;

namespace NotificationService.Features.People.InboxSdk;

/// <summary>
/// `GET /sdk/v1/origin-check?tenant={id}`: whether the tenant lists the calling page's origin (the `Origin` header) among
/// its web origins, `{"origin": "…", "listed": false}`. A browser hides a CORS refusal from the page exactly as it hides
/// a network error, so the inbox component asks here, after a request failed without an answer, to tell the page's
/// developer the one fix that works instead of retrying forever. Readable by any page (CORS `*`, no credentials): it
/// says no more than the CORS headers of `/api/v1/users/me` already say to a page on that origin.
/// </summary>
public static class OriginCheck
{
    public const string Path = "/v1/origin-check";

    public static void Map(RouteGroupBuilder sdk) => sdk.MapGet(Path, async (HttpContext http, WebOriginStore store) =>
    {
        SdkEndpoints.Shared(http.Response, "no-store");   // before any answer: a page must be able to read the 400s too
        if (!Guid.TryParse(http.Request.Query["tenant"], out var tenantId))
            return Results.ValidationProblem(new Dictionary<string, string[]>
                { ["tenant"] = ["tenant must be a tenant id (the iss of the end-user token)."] });
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
            return Results.ValidationProblem(new Dictionary<string, string[]>
                { ["Origin"] = ["Only a page's cross-origin request (with an Origin header) can be checked."] });
        var listed = await store.IsListedAsync(tenantId, origin, http.RequestAborted);
        return Results.Json(new OriginCheckResult(origin.Length > 100 ? origin[..100] + "…" : origin, listed));
    });
}

public sealed record OriginCheckResult(string Origin, bool Listed);
