using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Preferences;

/// <summary>What a signed link stands for: an unsubscribe (category and channel set) or a user's preferences page.</summary>
public sealed record LinkClaims(Guid TenantId, string UserKey, string? Category, string? Channel)
{
    public bool IsUnsubscribe => Category is not null && Channel is not null;
}

/// <summary>
/// Signed, opaque links that act without a login: `/u/{token}` (one-click unsubscribe from a category on a channel)
/// and `/u/{token}/preferences` (the hosted preferences page). The token is base64url(JSON claims) "." base64url(first
/// 16 bytes of HMAC-SHA256), keyed by a key derived from the secrets setup (<see cref="SecretProtector.DerivedKeys"/>).
/// No expiry: RFC 8058 links live in mailboxes for years. Tokens are credentials: never logged, never returned by the API.
/// </summary>
public sealed class PreferenceLinks(SecretProtector secrets, IConfiguration config)
{
    private const int MacBytes = 16;
    private readonly IReadOnlyList<byte[]> _keys = secrets.DerivedKeys("notification-service/preference-links/v1");

    /// <summary>The service's public base URL (`PublicBaseUrl`); without it no link is made and no header is sent.</summary>
    public string? BaseUrl { get; } = config["PublicBaseUrl"]?.TrimEnd('/');

    public string? UnsubscribeUrl(Guid tenantId, string userKey, string category, string channel) =>
        BaseUrl is null ? null : $"{BaseUrl}/u/{Sign(new LinkClaims(tenantId, userKey, category, channel))}";

    public string? PreferencesUrl(Guid tenantId, string userKey) =>
        BaseUrl is null ? null : $"{BaseUrl}/u/{Sign(new LinkClaims(tenantId, userKey, null, null))}/preferences";

    public string Sign(LinkClaims claims)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new[] { claims.TenantId.ToString("N"), claims.UserKey, claims.Category, claims.Channel });
        return $"{Base64Url(payload)}.{Base64Url(Mac(_keys[0], payload))}";
    }

    /// <summary>The claims of an untampered token, or null (wrong shape, bad signature: the caller answers 404).</summary>
    public LinkClaims? Verify(string? token)
    {
        if (token is null || token.Length > 2048 || token.Split('.') is not [var p, var m]) return null;
        byte[] payload, mac;
        try { (payload, mac) = (FromBase64Url(p), FromBase64Url(m)); }
        catch (FormatException) { return null; }
        if (mac.Length != MacBytes || !_keys.Any(k => CryptographicOperations.FixedTimeEquals(Mac(k, payload), mac))) return null;
        try
        {
            return JsonSerializer.Deserialize<string?[]>(payload) is [{ } tenant, { } user, var category, var channel]
                && Guid.TryParseExact(tenant, "N", out var t)
                ? new LinkClaims(t, user, category, channel) : null;
        }
        catch (JsonException) { return null; }
    }

    private static byte[] Mac(byte[] key, byte[] payload) => HMACSHA256.HashData(key, payload)[..MacBytes];

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + (4 - b.Length % 4) % 4, '='));
    }
}
