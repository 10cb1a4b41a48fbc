using System.Text;
using NotificationService.Features.Sending.ProviderCallbacks;

namespace NotificationService.Tests.Features.Sending.ProviderCallbacks;

/// <summary>Inbound verification against every published vector, positive and negative, plus tampering.</summary>
public class SignatureVectorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [VectorFact]
    public void Every_vector_in_the_file_is_covered_here_or_named_as_not_applicable()
    {
        // A vector added upstream must be looked at: fail until it is tested or explicitly set aside.
        string[] covered = ["standard_webhooks_v1", "twilio_request_validator", "sendgrid_signed_event_webhook", "meta_x_hub_signature_256"];
        string[] notApplicable = ["stripe_signature_v1"];   // we neither receive nor send Stripe-style signatures
        var inFile = SignatureVectors.All!.Select(p => p.Key).Where(k => !k.StartsWith('_')).ToArray();
        Assert.Empty(inFile.Except(covered).Except(notApplicable));
    }

    [VectorFact]
    public void SendGrid_vector_verifies_with_its_key_and_fails_with_the_wrong_key_wrong_signature_or_a_tampered_body()
    {
        var v = SignatureVectors.Get("sendgrid_signed_event_webhook");
        var body = Encoding.UTF8.GetBytes(v.S("body"));
        var ts = v.S("x_twilio_email_event_webhook_timestamp");
        var sig = v.S("x_twilio_email_event_webhook_signature");
        Assert.True(CallbackSignatures.SendGrid(v.S("public_key"), ts, body, sig));
        Assert.False(CallbackSignatures.SendGrid(v.S("negative_wrong_key"), ts, body, sig));
        Assert.False(CallbackSignatures.SendGrid(v.S("public_key"), ts, body, v.S("negative_wrong_signature")));
        Assert.False(CallbackSignatures.SendGrid(v.S("public_key"), ts, Encoding.UTF8.GetBytes(v.S("body").Replace("dropped", "delivered")), sig));
        Assert.False(CallbackSignatures.SendGrid(v.S("public_key"), (long.Parse(ts) + 1).ToString(), body, sig));
        Assert.False(CallbackSignatures.SendGrid(v.S("public_key"), ts, body, "not base64!"));
        Assert.False(CallbackSignatures.SendGrid(v.S("public_key"), ts, body, null));
        // The vector is from 2020: its timestamp is far outside the 5-minute window, which the endpoint enforces separately.
        Assert.False(CallbackSignatures.TimestampFresh(ts, Now));
    }

    [VectorFact]
    public void Twilio_vector_verifies_and_fails_with_a_wrong_token_a_changed_parameter_or_another_url()
    {
        var v = SignatureVectors.Get("twilio_request_validator");
        var form = v["params"]!.AsObject().Select(p => KeyValuePair.Create(p.Key, p.Value!.GetValue<string>())).ToList();
        var expected = v.S("expected_x_twilio_signature");
        Assert.Equal(expected, CallbackSignatures.TwilioCompute(v.S("auth_token"), v.S("url"), form));
        Assert.True(CallbackSignatures.Twilio(v.S("auth_token"), v.S("url"), form, expected));
        Assert.False(CallbackSignatures.Twilio("54321", v.S("url"), form, expected));
        Assert.False(CallbackSignatures.Twilio(v.S("auth_token"), v.S("url").Replace("foo=1", "foo=2"), form, expected));
        Assert.False(CallbackSignatures.Twilio(v.S("auth_token"), v.S("url"), form.Select(p => p.Key == "Digits" ? KeyValuePair.Create("Digits", "9999") : p), expected));
        Assert.False(CallbackSignatures.Twilio(v.S("auth_token"), v.S("url"), form, null));
    }

    [VectorFact]
    public void Twilio_json_body_vector_verifies_and_a_tampered_body_does_not()
    {
        var v = SignatureVectors.Get("twilio_request_validator");
        var j = v["json_body_variant"]!;
        Assert.True(CallbackSignatures.TwilioJsonBody(v.S("auth_token"), j.S("url"), Encoding.UTF8.GetBytes(j.S("body")), j.S("expected_x_twilio_signature")));
        Assert.False(CallbackSignatures.TwilioJsonBody(v.S("auth_token"), j.S("url"), Encoding.UTF8.GetBytes(j.S("body").Replace("true", "false")), j.S("expected_x_twilio_signature")));
        Assert.False(CallbackSignatures.TwilioJsonBody("wrong", j.S("url"), Encoding.UTF8.GetBytes(j.S("body")), j.S("expected_x_twilio_signature")));
    }

    [VectorFact]
    public void Meta_vector_verifies_and_fails_with_a_wrong_secret_a_tampered_body_or_no_prefix()
    {
        var v = SignatureVectors.Get("meta_x_hub_signature_256");
        var body = Encoding.UTF8.GetBytes(v.S("body"));
        var expected = v.S("expected_x_hub_signature_256");
        Assert.True(CallbackSignatures.Meta(v.S("app_secret"), body, expected));
        Assert.True(CallbackSignatures.Meta(v.S("app_secret"), body, expected.ToUpperInvariant().Replace("SHA256=", "sha256=")));
        Assert.False(CallbackSignatures.Meta("other_secret", body, expected));
        Assert.False(CallbackSignatures.Meta(v.S("app_secret"), Encoding.UTF8.GetBytes(v.S("body") + " "), expected));
        Assert.False(CallbackSignatures.Meta(v.S("app_secret"), body, expected["sha256=".Length..]));
        Assert.False(CallbackSignatures.Meta(v.S("app_secret"), body, null));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-299, true)]
    [InlineData(299, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    public void Signed_timestamps_are_accepted_within_five_minutes_either_way(int offsetSeconds, bool fresh) =>
        Assert.Equal(fresh, CallbackSignatures.TimestampFresh(Now.AddSeconds(offsetSeconds).ToUnixTimeSeconds().ToString(), Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-5")]
    public void Malformed_timestamps_are_never_fresh(string? ts) => Assert.False(CallbackSignatures.TimestampFresh(ts, Now));
}
