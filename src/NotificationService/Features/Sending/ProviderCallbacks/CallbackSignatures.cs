using System.Security.Cryptography;
using System.Text;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// The providers' signature schemes as pure functions (tested against the providers' published vectors).
/// Every comparison is constant-time; any parse failure is simply "not valid".
/// </summary>
public static class CallbackSignatures
{
    /// <summary>Signed timestamps older or newer than this are refused (replay window).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static bool TimestampFresh(string? unixSeconds, DateTimeOffset now) =>
        long.TryParse(unixSeconds, out var t) && t > 0 && t < 100_000_000_000
        && (now - DateTimeOffset.FromUnixTimeSeconds(t)).Duration() <= Tolerance;

    /// <summary>SendGrid signed Event Webhook: ECDSA P-256/SHA-256 over UTF8(timestamp) + raw body, DER signature.</summary>
    public static bool SendGrid(string publicKeyBase64, string? timestamp, ReadOnlySpan<byte> body, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureBase64)) return false;
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKeyBase64), out _);
            var ts = Encoding.UTF8.GetBytes(timestamp);
            var data = new byte[ts.Length + body.Length];
            ts.CopyTo(data, 0);
            body.CopyTo(data.AsSpan(ts.Length));
            return ecdsa.VerifyData(data, Convert.FromBase64String(signatureBase64), HashAlgorithmName.SHA256,
                DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception e) when (e is FormatException or CryptographicException) { return false; }
    }

    /// <summary>Twilio: base64(HMAC-SHA1(authToken, url + each POST parameter name+value, names sorted ordinally)).</summary>
    public static string TwilioCompute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var sb = new StringBuilder(url);
        foreach (var (k, v) in form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            sb.Append(k).Append(v);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(sb.ToString())));
    }

    public static bool Twilio(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form, string? signature) =>
        !string.IsNullOrEmpty(signature) && FixedEquals(TwilioCompute(authToken, url, form), signature);

    /// <summary>
    /// Twilio's JSON-body variant: the URL carries bodySHA256 (hex SHA-256 of the body), the signature covers
    /// the URL alone, and the body must match the hash.
    /// </summary>
    public static bool TwilioJsonBody(string authToken, string url, ReadOnlySpan<byte> body, string? signature)
    {
        var query = new Uri(url).Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries);
        var hash = query.Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "bodySHA256" && p.Length == 2)?[1];
        return hash is not null && FixedEquals(Convert.ToHexStringLower(SHA256.HashData(body)), hash.ToLowerInvariant())
            && Twilio(authToken, url, [], signature);
    }

    /// <summary>Meta: X-Hub-Signature-256 = "sha256=" + lower hex HMAC-SHA256(appSecret, raw body).</summary>
    public static bool Meta(string appSecret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));
        return FixedEquals(expected, header.ToLowerInvariant());
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
