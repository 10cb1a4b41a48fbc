using Microsoft.AspNetCore.DataProtection;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// Between "the password was right" and "the code was right" (or "the second factor is enrolled"), the browser holds
/// this short-lived cookie: the tenant, the member and the step, protected (encrypted and signed) with the console's
/// Data Protection key ring, which every replica shares. It opens nothing but the next step, for ten minutes.
/// </summary>
public sealed class PendingSignIn(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string CookieName = "ns_console_pending";
    public const string Code = "code", Enrol = "enrol";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public sealed record Step(Guid TenantId, Guid MemberId, string Name, string Method);

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("members.pending-sign-in").ToTimeLimitedDataProtector();

    public void Set(HttpContext http, Step step) =>
        http.Response.Cookies.Append(CookieName, Protector.Protect($"{step.TenantId:N}|{step.MemberId:N}|{step.Name}|{step.Method}", clock.GetUtcNow() + Lifetime),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/admin", MaxAge = Lifetime, IsEssential = true });

    public Step? Get(HttpContext http, string name)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 and < 2048 } value) return null;
        try
        {
            var parts = Protector.Unprotect(value).Split('|');
            return parts.Length == 4 && parts[2] == name && Guid.TryParseExact(parts[0], "N", out var tenant) && Guid.TryParseExact(parts[1], "N", out var member)
                ? new Step(tenant, member, name, parts[3]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException) { return null; }   // expired, tampered, or from an old key
    }

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/admin" });
}
