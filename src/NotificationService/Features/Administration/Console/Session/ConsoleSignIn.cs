using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Administration.Console.Session;

public enum SignInOutcome { SignedIn, Throttled, UnknownKey, NotAdmin }

/// <summary>
/// Paste an API key, get a session: the key must be valid and hold `admin`; the session keeps the key's scopes (never
/// more) and, when the key's prefix is listed in `Admin:OperatorKeys`, the operator role. The key itself is not kept.
/// </summary>
public sealed class ConsoleSignIn(ApiKeyCache keys, ConsoleSessionStore sessions, SignInThrottle throttle, IConfiguration config)
{
    public TimeSpan Lifetime => TimeSpan.FromMinutes(Math.Clamp(config.GetValue("Admin:SessionMinutes", 480), 1, 7 * 24 * 60));

    public const string MalformedPrefix = "malformed";

    public async Task<(SignInOutcome Outcome, string? Token)> SignInAsync(string client, string? key, CancellationToken ct)
    {
        key = key?.Trim();
        var prefix = string.IsNullOrEmpty(key) ? MalformedPrefix : ApiKeys.PrefixOf(key) ?? MalformedPrefix;
        if (throttle.IsBlocked(client, prefix)) return (SignInOutcome.Throttled, null);
        var account = prefix == MalformedPrefix ? null : await keys.FindAsync(key!, ct);
        if (account is null) { throttle.RecordFailure(client, prefix); return (SignInOutcome.UnknownKey, null); }
        if (!account.Scopes.Contains(Scopes.Admin)) { throttle.RecordFailure(client, prefix); return (SignInOutcome.NotAdmin, null); }

        throttle.Reset(client, prefix);
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
