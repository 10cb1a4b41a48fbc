using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace NotificationService.Features.Administration.Sso;

/// <summary>A sign-in under way, as the callback finds it: whose, and where the person goes afterwards.</summary>
public sealed record PendingSignIn(Guid TenantId, string ReturnUrl, string BrowserSecret);

/// <summary>
/// The one owner of `sso_sign_ins`: sign-ins between `/admin/sso/start` and the provider's redirect back. The `state`
/// the provider carries is `{tenant id}.{secret}` (so the tenant leads every statement) and a row is taken exactly once,
/// by a delete, so a replayed redirect finds nothing. A second secret lives in a cookie of the browser that started the
/// sign-in: a redirect carried to another browser (login CSRF) does not match it. The PKCE verifier and the nonce are
/// derived from that browser secret, so neither is stored anywhere.
/// </summary>
public sealed class SsoSignInStore(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>A new sign-in: the `state` for the provider and the browser secret for the cookie. Expired rows of the
    /// tenant go in the same statement, so the table keeps only sign-ins under way.</summary>
    public async Task<(string State, string BrowserSecret)> StartAsync(Guid tenantId, string returnUrl, CancellationToken ct)
    {
        var secret = RandomToken();
        var browser = RandomToken();
        await using var cmd = db.CreateCommand("""
            with expired as (delete from sso_sign_ins where tenant_id = $1 and expires_at < $5)
            insert into sso_sign_ins (tenant_id, state_hash, browser_hash, return_url, expires_at) values ($1, $2, $3, $4, $5 + $6)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Hash(secret));
        cmd.Parameters.AddWithValue(Hash(browser));
        cmd.Parameters.AddWithValue(returnUrl);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        cmd.Parameters.AddWithValue(Lifetime);
        await cmd.ExecuteNonQueryAsync(ct);
        return ($"{tenantId:N}.{secret}", browser);
    }

    /// <summary>Takes the sign-in <paramref name="state"/> names, once: null when the state is unknown, used, expired or
    /// was started by another browser (whose secret, <paramref name="browserSecret"/>, does not match).</summary>
    public async Task<PendingSignIn?> TakeAsync(string? state, string? browserSecret, CancellationToken ct)
    {
        if (!TryParse(state, out var tenantId, out var hash) || browserSecret is not { Length: 43 }) return null;
        await using var cmd = db.CreateCommand("""
            delete from sso_sign_ins where tenant_id = $1 and state_hash = $2 returning browser_hash, return_url, expires_at
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(hash);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var sameBrowser = CryptographicOperations.FixedTimeEquals(r.GetFieldValue<byte[]>(0), Hash(browserSecret));
        var live = r.GetFieldValue<DateTimeOffset>(2) > clock.GetUtcNow();
        return sameBrowser && live ? new PendingSignIn(tenantId, r.GetString(1), browserSecret) : null;
    }

    /// <summary>The PKCE code verifier (RFC 7636, 43 characters) of the sign-in the browser secret belongs to.</summary>
    public static string CodeVerifier(string browserSecret) => Derive(browserSecret, "pkce");

    /// <summary>S256 of the verifier, as the authorization request carries it.</summary>
    public static string CodeChallenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>The nonce the ID token must carry back.</summary>
    public static string Nonce(string browserSecret) => Derive(browserSecret, "nonce");

    private static string Derive(string browserSecret, string purpose) =>
        Base64Url(HMACSHA256.HashData(Encoding.ASCII.GetBytes(browserSecret), Encoding.ASCII.GetBytes(purpose)));

    private static bool TryParse(string? state, out Guid tenantId, out byte[] hash)
    {
        hash = [];
        tenantId = default;
        var dot = state?.IndexOf('.') ?? -1;
        if (dot < 0 || state!.Length - dot - 1 != 43 || !Guid.TryParseExact(state[..dot], "N", out tenantId)) return false;
        hash = Hash(state[(dot + 1)..]);
        return true;
    }

    private static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));
    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));
}
