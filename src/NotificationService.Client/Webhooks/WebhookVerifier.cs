using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NotificationService.Client.Webhooks;

/// <summary>How a <see cref="WebhookVerifier"/> judges a delivery.</summary>
public sealed class WebhookVerifierOptions
{
    /// <summary>
    /// The endpoint's signing secrets (<c>whsec_…</c>). During a rotation give the new and the old one: a delivery signed
    /// by either verifies.
    /// </summary>
    public IList<string> Secrets { get; } = [];

    /// <summary>How far the webhook-timestamp may be from now, either way (replays of old deliveries are refused).</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock (a test's fake one, or the system's).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>Why a delivery was refused.</summary>
public sealed class WebhookVerificationException(string message) : Exception(message);

/// <summary>
/// Verifies the Standard Webhooks signature the service puts on every webhook: HMAC-SHA256 keyed by the base64 secret
/// (after <c>whsec_</c>) over <c>{webhook-id}.{webhook-timestamp}.{raw body}</c>, in <c>webhook-signature</c> as
/// space-separated <c>v1,{base64}</c> entries. Give it the body's raw bytes, as received: a body parsed and written again
/// is not the body that was signed. Comparison is constant-time; a timestamp outside the tolerance is refused.
/// Thread-safe.
/// </summary>
public sealed class WebhookVerifier
{
    private const string SecretPrefix = "whsec_";
    private readonly byte[][] _keys;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _clock;

    /// <summary>A verifier for these options.</summary>
    public WebhookVerifier(WebhookVerifierOptions options)
    {
        if (options.Secrets.Count == 0) throw new ArgumentException("Give at least one signing secret.", nameof(options));
        _keys = options.Secrets.Select(Key).ToArray();
        _tolerance = options.Tolerance;
        _clock = options.TimeProvider;
    }

    /// <summary>A verifier for one or more secrets, a five-minute tolerance and the system clock.</summary>
    public WebhookVerifier(params string[] secrets) : this(With(secrets)) { }

    private static WebhookVerifierOptions With(string[] secrets)
    {
        var o = new WebhookVerifierOptions();
        foreach (var s in secrets) o.Secrets.Add(s);
        return o;
    }

    private static byte[] Key(string secret)
    {
        try
        {
            return Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
                ? secret[SecretPrefix.Length..] : secret);
        }
        catch (FormatException) { throw new ArgumentException("A signing secret is whsec_ followed by base64.", nameof(secret)); }
    }

    /// <summary>Throws <see cref="WebhookVerificationException"/> unless the delivery is signed by one of the secrets, within the
    /// tolerance.</summary>
    public void Verify(string? webhookId, string? webhookTimestamp, string? webhookSignature, ReadOnlySpan<byte> body)
    {
        if (!TryVerify(webhookId, webhookTimestamp, webhookSignature, body, out var why)) throw new WebhookVerificationException(why!);
    }

    /// <summary>Whether the delivery verifies; <paramref name="failure"/> says why not.</summary>
    public bool TryVerify(string? webhookId, string? webhookTimestamp, string? webhookSignature, ReadOnlySpan<byte> body,
        out string? failure)
    {
        failure = null;
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrEmpty(webhookSignature))
            return Fail("missing webhook-id, webhook-timestamp or webhook-signature header", out failure);
        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return Fail("webhook-timestamp is not a Unix time in seconds", out failure);
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs((double)now - seconds) > _tolerance.TotalSeconds)
            return Fail("webhook-timestamp is outside the tolerance", out failure);

        Span<byte> expected = stackalloc byte[32];
        Span<byte> given = stackalloc byte[64];
        var signed = Signed(webhookId, webhookTimestamp, body);
        foreach (var key in _keys)
        {
            HMACSHA256.HashData(key, signed, expected);
            foreach (var entry in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!entry.StartsWith("v1,", StringComparison.Ordinal)) continue;   // other schemes (v1a) are not ours
                if (!Convert.TryFromBase64String(entry[3..], given, out var length) || length != 32) continue;
                if (CryptographicOperations.FixedTimeEquals(expected, given[..length])) return true;
            }
        }
        return Fail("no signature matches", out failure);
    }

    /// <summary><c>v1,{base64}</c> for a body, as the service computes it (for tests of your own receiver).</summary>
    public static string Sign(string secret, string webhookId, long webhookTimestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret),
            Signed(webhookId, webhookTimestamp.ToString(CultureInfo.InvariantCulture), body)));

    private static byte[] Signed(string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var data = new byte[head.Length + body.Length];
        head.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(head.Length));
        return data;
    }

    private static bool Fail(string why, out string? failure)
    {
        failure = why;
        return false;
    }
}
