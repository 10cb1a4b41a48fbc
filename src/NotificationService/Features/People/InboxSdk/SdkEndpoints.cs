namespace NotificationService.Features.People.InboxSdk;

/// <summary>
/// `/sdk/v1/inbox.js`: the `&lt;notification-inbox&gt;` custom element, one ES module served from the binary at a versioned
/// path with a year's immutable cache, CORS for every origin (a module script is fetched in CORS mode, and integrity
/// needs it; the file holds nothing private) and its SRI value at `/sdk/v1/inbox.js.sri`.
/// `/sdk/v1/origin-check`: whether a tenant lists the calling page's origin (<see cref="OriginCheck"/>). The quick
/// start's page that shows the component for the demo tenant lives with the demo tenant's seed (Operations/Seed/SdkDemo).
/// </summary>
public static class SdkEndpoints
{
    public const string InboxPath = "/sdk/v1/inbox.js";
    public const string ImmutableCache = "public, max-age=31536000, immutable";

    public static IServiceCollection AddInboxSdk(this IServiceCollection services) =>
        services.AddSingleton(new SdkFiles(SdkAsset.InboxV1()));

    public static void MapInboxSdk(this WebApplication app)
    {
        var sdk = app.MapGroup("/sdk").ExcludeFromDescription();   // files and pages, not API operations
        sdk.MapGet("/v1/inbox.js", (HttpContext http, SdkFiles files) => Serve(http, files.Inbox, ImmutableCache));
        sdk.MapGet("/v1/inbox.js.sri", (HttpContext http, SdkFiles files) =>
        {
            Shared(http.Response, "no-cache");
            return Results.Text(files.Inbox.Integrity + "\n", "text/plain; charset=utf-8");
        });
        OriginCheck.Map(sdk);
    }

    /// <summary>The file, or 304 when the browser's copy is current.</summary>
    public static IResult Serve(HttpContext http, SdkAsset asset, string cacheControl)
    {
        Shared(http.Response, cacheControl);
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    public static void Shared(HttpResponse response, string cacheControl)
    {
        response.Headers.CacheControl = cacheControl;
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        response.Headers.XContentTypeOptions = "nosniff";
    }
}

public sealed record SdkFiles(SdkAsset Inbox);
