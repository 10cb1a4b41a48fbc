using System.Text;
using NotificationService.Features.Sending.ProviderCallbacks;

namespace NotificationService.Tests.Features.Sending.ProviderCallbacks;

/// <summary>
/// The service checks callback signatures with the BCL's own crypto; the vendors' libraries are the oracle. On each
/// published vector and on tampered variants of it, our answer must be the vendor validator's answer, and the set of
/// cases must hold both answers (so an oracle that always says no, or always yes, cannot pass).
/// </summary>
public class SignatureOracleTests
{
    [VectorFact]
    public void Twilio_form_signatures_agree_with_Twilios_RequestValidator()
    {
        var v = SignatureVectors.Get("twilio_request_validator");
        var token = v.S("auth_token");
        var url = v.S("url");
        var form = v["params"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var signature = v.S("expected_x_twilio_signature");
        var cases = new List<(string Token, string Url, Dictionary<string, string> Form, string Signature)>
        {
            (token, url, form, signature),
            ("54321", url, form, signature),
            (token, url.Replace("foo=1", "foo=2"), form, signature),
            (token, url.Replace("https://", "http://"), form, signature),
            (token, url, new(form) { ["Digits"] = "9999" }, signature),
            (token, url, new(form) { ["Extra"] = "1" }, signature),
            (token, url, form, signature[..^2] + "A="),
        };
        var oracle = new Twilio.Security.RequestValidator(token);
        var agreed = cases.Select(c =>
        {
            var ours = CallbackSignatures.Twilio(c.Token, c.Url, c.Form, c.Signature);
            var theirs = new Twilio.Security.RequestValidator(c.Token).Validate(c.Url, c.Form, c.Signature);
            Assert.True(ours == theirs, $"ours {ours}, Twilio's {theirs} for token {c.Token}, {c.Url}, {string.Join("&", c.Form)}");
            return ours;
        }).ToArray();
        Assert.Equal([true, false, false, false, false, false, false], agreed);
        Assert.True(oracle.Validate(url, form, signature));
    }

    [VectorFact]
    public void Twilio_json_body_signatures_agree_with_Twilios_RequestValidator()
    {
        var v = SignatureVectors.Get("twilio_request_validator");
        var j = v["json_body_variant"]!;
        var (token, url, body, signature) = (v.S("auth_token"), j.S("url"), j.S("body"), j.S("expected_x_twilio_signature"));
        var cases = new[] { (token, body), (token, body.Replace("true", "false")), ("wrong", body), (token, body + " ") };
        var answers = cases.Select(c =>
        {
            var ours = CallbackSignatures.TwilioJsonBody(c.Item1, url, Encoding.UTF8.GetBytes(c.Item2), signature);
            var theirs = new Twilio.Security.RequestValidator(c.Item1).Validate(url, c.Item2, signature);
            Assert.True(ours == theirs, $"ours {ours}, Twilio's {theirs} for body {c.Item2}");
            return ours;
        }).ToArray();
        Assert.Equal([true, false, false, false], answers);
    }

    [VectorFact]
    public void SendGrid_event_webhook_signatures_agree_with_SendGrids_validator()
    {
        var v = SignatureVectors.Get("sendgrid_signed_event_webhook");
        var (key, ts, body, signature) = (v.S("public_key"), v.S("x_twilio_email_event_webhook_timestamp"), v.S("body"),
            v.S("x_twilio_email_event_webhook_signature"));
        var cases = new[]
        {
            (key, ts, body, signature),
            (v.S("negative_wrong_key"), ts, body, signature),
            (key, ts, body, v.S("negative_wrong_signature")),
            (key, ts, body.Replace("dropped", "delivered"), signature),
            (key, (long.Parse(ts) + 1).ToString(), body, signature),
            (key, ts, body.TrimEnd(), signature),
        };
        var answers = cases.Select(c =>
        {
            var ours = CallbackSignatures.SendGrid(c.Item1, c.Item2, Encoding.UTF8.GetBytes(c.Item3), c.Item4);
            var validator = new SendGrid.Helpers.EventWebhook.RequestValidator();
            var theirs = validator.VerifySignature(validator.ConvertPublicKeyToECDSA(c.Item1), c.Item3, c.Item4, c.Item2);
            Assert.True(ours == theirs, $"ours {ours}, SendGrid's {theirs} for timestamp {c.Item2}, body {c.Item3}");
            return ours;
        }).ToArray();
        Assert.Equal([true, false, false, false, false, false], answers);
    }
}
