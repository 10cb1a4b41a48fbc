using NotificationService.Features.Auth;
using NotificationService.Features.Tenants;

namespace NotificationService.Features.Console.Session;

public enum SignInOutcome { SignedIn, Throttled, UnknownKey, NotAdmin }

/// <summary>
/// Paste an API key, get a session: the key must be valid and hold `admin`; the session keeps the key's scopes (never
/// more) and, when the key's prefix is listed in `Admin:OperatorKeys`, the operator role. The key itself is not kept.
/// </summary>
public sealed class ConsoleSignIn(ApiKeyCache keys, ConsoleSessionStore sessions, SignInThrottle throttle, IConfiguration config)
{
    public TimeSpan Lifetime => TimeSpan.FromMinutes(Math.Clamp(config.GetValue("Admin:SessionMinutes", 480), 1, 7 * 24 * 60));

    public async Task<(SignInOutcome Outcome, string? Token)> SignInAsync(string client, string? key, CancellationToken ct)
    {
        if (throttle.IsBlocked(client)) return (SignInOutcome.Throttled, null);
        var account = string.IsNullOrWhiteSpace(key) ? null : await keys.FindAsync(key.Trim(), ct);
        if (account is null) { throttle.RecordFailure(client); return (SignInOutcome.UnknownKey, null); }
        if (!account.Scopes.Contains(Scopes.Admin)) { throttle.RecordFailure(client); return (SignInOutcome.NotAdmin, null); }

        throttle.Reset(client);
        var token = await sessions.CreateAsync(account.TenantId, account.Id, account.KeyPrefix, account.Scopes, IsOperator(account.KeyPrefix), Lifetime, ct);
        return (SignInOutcome.SignedIn, token);
    }

    /// <summary>`Admin:OperatorKeys`: key prefixes (public ids, e.g. nsk_AbC123xy), comma-separated or as an array.</summary>
    private bool IsOperator(string prefix)
    {
        var section = config.GetSection("Admin:OperatorKeys");
        var listed = section.Value is { } csv ? csv.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : section.GetChildren().Select(c => c.Value ?? "").ToArray();
        return listed.Contains(prefix, StringComparer.Ordinal);
    }
}
