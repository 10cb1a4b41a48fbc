using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// Between "the password was right" (or "the identity provider vouched for the email") and "the code was right" (or
/// "the second factor is enrolled"), the browser holds this short-lived cookie: the tenant, the member, the step and a
/// random step id, protected (encrypted and signed) with the console's Data Protection key ring, which every replica
/// shares. It opens nothing but the next step, for ten minutes, and once: <see cref="TakeAsync"/> records the step id in
/// `console_pending_steps_used` (the one owner of that table) before the session opens, so a replayed cookie finds it used.
/// </summary>
public sealed class PendingSignIn(IDataProtectionProvider protection, NpgsqlDataSource db, TimeProvider clock)
{
    public const string CookieName = "ns_console_pending";
    public const string Code = "code", Enrol = "enrol";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>A step; <paramref name="Id"/> is made by <see cref="Set"/> when left out.</summary>
    public sealed record Step(Guid TenantId, Guid MemberId, string Name, string Method, Guid Id = default);

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("members.pending-sign-in").ToTimeLimitedDataProtector();

    public void Set(HttpContext http, Step step)
    {
        var id = step.Id == Guid.Empty ? Guid.NewGuid() : step.Id;
        http.Response.Cookies.Append(CookieName,
            Protector.Protect($"{step.TenantId:N}|{step.MemberId:N}|{step.Name}|{step.Method}|{id:N}", clock.GetUtcNow() + Lifetime),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/admin",
                MaxAge = Lifetime, IsEssential = true });
    }

    /// <summary>The step the browser holds, if it is <paramref name="name"/>, live and not used yet.</summary>
    public async Task<Step?> GetAsync(HttpContext http, string name, CancellationToken ct)
    {
        if (Read(http, name) is not { } step) return null;
        await using var cmd = db.CreateCommand("select 1 from console_pending_steps_used where tenant_id = $1 and step_id = $2");
        cmd.Parameters.AddWithValue(step.TenantId);
        cmd.Parameters.AddWithValue(step.Id);
        return await cmd.ExecuteScalarAsync(ct) is null ? step : null;
    }

    /// <summary>Uses the step up: true for the one caller that does it first, false for a replay (or a race beside it).</summary>
    public async Task<bool> TakeAsync(Step step, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            with expired as (delete from console_pending_steps_used where tenant_id = $1 and expires_at < $3)
            insert into console_pending_steps_used (tenant_id, step_id, expires_at) values ($1, $2, $3 + $4) on conflict do nothing
            """);
        cmd.Parameters.AddWithValue(step.TenantId);
        cmd.Parameters.AddWithValue(step.Id);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        cmd.Parameters.AddWithValue(Lifetime);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private Step? Read(HttpContext http, string name)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 and < 2048 } value) return null;
        try
        {
            var parts = Protector.Unprotect(value).Split('|');
            return parts.Length == 5 && parts[2] == name && Guid.TryParseExact(parts[0], "N", out var tenant)
                && Guid.TryParseExact(parts[1], "N", out var member) && Guid.TryParseExact(parts[4], "N", out var id)
                ? new Step(tenant, member, name, parts[3], id) : null;
        }
        catch (System.Security.Cryptography.CryptographicException) { return null; }   // expired, tampered, or from an old key
    }

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/admin" });
}
