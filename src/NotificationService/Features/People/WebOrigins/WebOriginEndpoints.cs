using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.WebOrigins;

public sealed record WebOriginsDocument
{
    public string[]? Origins { get; init; }
}

public sealed record WebOriginsView(string[] Origins);

/// <summary>
/// `/api/v1/admin/web-origins`: the exact origins whose pages may call the tenant's end-user API from a browser (the
/// inbox component on the tenant's own site), and the CORS answers that follow from them (<see cref="WebOriginCors"/>).
/// </summary>
public static class WebOriginEndpoints
{
    public static IServiceCollection AddWebOrigins(this IServiceCollection services) => services.AddSingleton<WebOriginStore>();

    public static void MapWebOrigins(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/web-origins").WithTags("Admin: web origins").RequireScopes();
        group.MapGet("/", async Task<Ok<WebOriginsView>> (HttpContext http, WebOriginStore store, CancellationToken ct) =>
            TypedResults.Ok(new WebOriginsView(await store.ListAsync(http.User.TenantId(), ct))))
            .WithSummary("List the web origins allowed to call the end-user API from a browser");
        group.MapPut("/", async Task<Ok<WebOriginsView>> (HttpContext http, WebOriginStore store, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<WebOriginsDocument>(http.Request, 64 * 1024, ct);
            var origins = Checked(body.Origins);
            await store.ReplaceAsync(http.User.TenantId(), origins, ct);
            return TypedResults.Ok(new WebOriginsView([.. origins]));
        }).WithSummary("Replace the web origins (exact origins such as https://app.example.com; no wildcards)")
            .Audited("web_origins.replace", "web_origins", Before, _ => "web-origins")
            .Accepts<WebOriginsDocument>("application/json").ProducesValidationProblem();
    }

    /// <summary>Each origin normalized as browsers send it (duplicates once), or a 400 naming every bad one.</summary>
    public static string[] Checked(string[]? origins)
    {
        if (origins is null) throw RequestValidationException.For("origins", "origins is required (an empty list allows none).");
        if (origins.Length > WebOriginRules.MaxOrigins)
            throw RequestValidationException.For("origins", $"At most {WebOriginRules.MaxOrigins} origins.");
        var errors = new Dictionary<string, string[]>();
        var result = new List<string>();
        for (var i = 0; i < origins.Length; i++)
        {
            if (WebOriginRules.Normalize(origins[i], out var error) is { } origin) { if (!result.Contains(origin)) result.Add(origin); }
            else errors[$"origins[{i}]"] = [error!];
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return [.. result];
    }

    private static async Task<object?> Before(HttpContext http, string _) =>
        new WebOriginsView(
            await http.RequestServices.GetRequiredService<WebOriginStore>().ListAsync(http.User.TenantId(), http.RequestAborted));
}
