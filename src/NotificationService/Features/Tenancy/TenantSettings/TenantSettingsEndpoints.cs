using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.TenantSettings;

public sealed record TenantSettingsDocument
{
    public bool? AllowHttpLinks { get; init; }
    /// <summary>Every console member must enrol a second factor (TOTP), not only owners and admins. Left out: unchanged.</summary>
    public bool? RequireTotp { get; init; }
}

/// <summary>The tenant's own settings as the admin API shows them.</summary>
public sealed record TenantSettingsView(bool AllowHttpLinks, bool RequireTotp);

/// <summary>
/// `/api/v1/admin/settings`: settings a tenant's admin decides for the whole tenant, stored on the tenant's row by
/// <see cref="TenantStore"/> (a folder of its own, as WebOrigins: Tenants is below Auth and Audit, these endpoints
/// above). One so far: `allowHttpLinks`, whether links that reach end users (in_app `actionUrl`, `icon`, action
/// buttons; push `imageUrl`) may be plain `http:` as well as `https:` (<see cref="Contracts.LinkPolicy"/>). Off for a
/// new tenant. Read here as stored, not through the send path's cache. And `requireTotp`: every console member, whatever
/// their role, enrols a second factor at their next sign-in (owners and admins always do). A PUT changes the settings it
/// names and keeps the others (as the console guide's `{"requireTotp": true}` expects): a client that knows one setting
/// never resets another it has not heard of.
/// </summary>
public static class TenantSettingsEndpoints
{
    public static void MapTenantSettings(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/settings").WithTags("Admin: settings").RequireScopes();
        group.MapGet("/", async Task<Ok<TenantSettingsView>> (HttpContext http, TenantStore store, CancellationToken ct) =>
            TypedResults.Ok(await ViewAsync(store, http.User.TenantId(), ct)))
            .WithSummary("The tenant's settings (allowHttpLinks, requireTotp)");
        group.MapPut("/", async Task<Ok<TenantSettingsView>> (HttpContext http, TenantStore store, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<TenantSettingsDocument>(http.Request, 16 * 1024, ct);
            if (body is { AllowHttpLinks: null, RequireTotp: null })
                throw new RequestValidationException(new Dictionary<string, string[]>
                {
                    ["allowHttpLinks"] = ["Name at least one setting: allowHttpLinks or requireTotp (true or false)."],
                    ["requireTotp"] = ["Name at least one setting: allowHttpLinks or requireTotp (true or false)."],
                });
            await store.SetSettingsAsync(http.User.TenantId(), body.AllowHttpLinks, body.RequireTotp, ct);
            return TypedResults.Ok(await ViewAsync(store, http.User.TenantId(), ct));
        }).WithSummary("Change the settings named (the others stay): allowHttpLinks lets end-user links be http: as well as https:; "
            + "requireTotp makes every member enrol a second factor")
            .Audited("settings.replace", "settings", Before, _ => "settings")
            .Accepts<TenantSettingsDocument>("application/json").ProducesValidationProblem();
    }

    internal static async Task<TenantSettingsView> ViewAsync(TenantStore store, Guid tenantId, CancellationToken ct) =>
        new((await store.StoredLinkPolicyAsync(tenantId, ct)).AllowHttp, await store.RequiresTotpAsync(tenantId, ct));

    private static async Task<object?> Before(HttpContext http, string _) =>
        await ViewAsync(http.RequestServices.GetRequiredService<TenantStore>(), http.User.TenantId(), http.RequestAborted);
}
