using System.Security.Cryptography;
using System.Text;

namespace NotificationService.Features.Sending.Webhooks;

/// <summary>
/// Standard Webhooks signing: HMAC-SHA256 with the base64-decoded `whsec_` secret over
/// "{webhook-id}.{webhook-timestamp}.{body}", header `v1,{base64}`; several signatures (during a secret
/// rotation) are space-separated and receivers accept any one that verifies.
/// </summary>
public static class WebhookSigner
{
    public const string Prefix = "whsec_";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
        var head = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var data = new byte[head.Length + body.Length];
        head.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(head.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, data));
    }

    public static string SignAll(IEnumerable<string> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var parts = new List<string>();
        foreach (var s in secrets) parts.Add(Sign(s, id, timestamp, body));
        return string.Join(' ', parts);
    }
}
