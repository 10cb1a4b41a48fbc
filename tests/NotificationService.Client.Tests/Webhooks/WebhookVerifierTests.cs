using System.Text;
using NotificationService.Client.Webhooks;

namespace NotificationService.Client.Tests.Webhooks;

/// <summary>
/// The verifier against the published Standard Webhooks vectors: each verifies at its own time, and every tampered
/// variant (body, id, timestamp, signature, secret, scheme, age) is refused.
/// </summary>
public class WebhookVerifierTests
{
    private static WebhookVerifier At(long unixSeconds, params string[] secrets)
    {
        var o = new WebhookVerifierOptions { TimeProvider = FixedClock.AtUnix(unixSeconds) };
        foreach (var s in secrets) o.Secrets.Add(s);
        return new WebhookVerifier(o);
    }

    [VectorFact]
    public void Every_published_vector_verifies_and_signs_to_its_expected_signature()
    {
        foreach (var v in StandardWebhooksVector.All)
        {
            var verifier = At(long.Parse(v.Timestamp), v.Secret);
            Assert.True(verifier.TryVerify(v.Id, v.Timestamp, v.Signature, v.Body, out var why), why);
            Assert.Equal(v.Signature, WebhookVerifier.Sign(v.Secret, v.Id, long.Parse(v.Timestamp), v.Body));
        }
    }

    [VectorFact]
    public void Every_tampered_variant_of_a_vector_is_refused()
    {
        foreach (var v in StandardWebhooksVector.All)
        {
            var ts = long.Parse(v.Timestamp);
            var otherSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another secret of 24 byte"));
            var flipped = v.Signature[..^2] + (v.Signature[^2] == 'A' ? 'B' : 'A') + v.Signature[^1];
            var body = (byte[])v.Body.Clone();
            body[^2] ^= 1;
            var variants = new (string What, WebhookVerifier Verifier, string? Id, string? Timestamp, string? Signature, byte[] Body)[]
            {
                ("body changed", At(ts, v.Secret), v.Id, v.Timestamp, v.Signature, body),
                ("body with a trailing newline", At(ts, v.Secret), v.Id, v.Timestamp, v.Signature, [.. v.Body, (byte)'\n']),
                ("id changed", At(ts, v.Secret), v.Id + "x", v.Timestamp, v.Signature, v.Body),
                ("timestamp changed", At(ts + 1, v.Secret), v.Id, (ts + 1).ToString(), v.Signature, v.Body),
                ("signature changed", At(ts, v.Secret), v.Id, v.Timestamp, flipped, v.Body),
                ("signature of another scheme", At(ts, v.Secret), v.Id, v.Timestamp, "v2," + v.Signature[3..], v.Body),
                ("signature truncated", At(ts, v.Secret), v.Id, v.Timestamp, v.Signature[..^4], v.Body),
                ("another secret", At(ts, otherSecret), v.Id, v.Timestamp, v.Signature, v.Body),
                ("six minutes old", At(ts + 360, v.Secret), v.Id, v.Timestamp, v.Signature, v.Body),
                ("six minutes ahead", At(ts - 360, v.Secret), v.Id, v.Timestamp, v.Signature, v.Body),
                ("no signature header", At(ts, v.Secret), v.Id, v.Timestamp, null, v.Body),
                ("no id header", At(ts, v.Secret), null, v.Timestamp, v.Signature, v.Body),
                ("timestamp not a number", At(ts, v.Secret), v.Id, "1614265330.0", v.Signature, v.Body),
            };
            foreach (var (what, verifier, id, timestamp, signature, bytes) in variants)
                Assert.False(verifier.TryVerify(id, timestamp, signature, bytes, out _), $"{what}: verified, but must be refused");
        }
    }

    [VectorFact]
    public void During_a_rotation_either_secret_verifies_and_any_one_of_several_signatures_suffices()
    {
        var v = StandardWebhooksVector.All[0];
        var ts = long.Parse(v.Timestamp);
        var newSecret = "whsec_" + Convert.ToBase64String(new byte[24]);
        var byNew = WebhookVerifier.Sign(newSecret, v.Id, ts, v.Body);

        Assert.True(At(ts, newSecret, v.Secret).TryVerify(v.Id, v.Timestamp, v.Signature, v.Body, out _));
        Assert.True(At(ts, newSecret).TryVerify(v.Id, v.Timestamp, $"{v.Signature} {byNew}", v.Body, out _));
        Assert.False(At(ts, newSecret).TryVerify(v.Id, v.Timestamp, v.Signature, v.Body, out _));
    }

    [VectorFact]
    public void The_tolerance_is_the_callers_to_set()
    {
        var v = StandardWebhooksVector.All[0];
        var ts = long.Parse(v.Timestamp);
        var o = new WebhookVerifierOptions { TimeProvider = FixedClock.AtUnix(ts + 3600), Tolerance = TimeSpan.FromHours(2) };
        o.Secrets.Add(v.Secret);

        Assert.True(new WebhookVerifier(o).TryVerify(v.Id, v.Timestamp, v.Signature, v.Body, out _));
        Assert.Throws<WebhookVerificationException>(() => At(ts + 3600, v.Secret).Verify(v.Id, v.Timestamp, v.Signature, v.Body));
    }
}
