using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Sending.Providers;
using NotificationService.Infrastructure;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.ProviderCallbacks;

/// <summary>Provider configs with encrypted secrets, sent notifications to call back about, and signed requests.</summary>
public static class CallbackTestSupport
{
    /// <summary>A provider config holding secrets (encrypted as the admin API would). Disabled by default so the worker keeps sending through the sandbox.</summary>
    public static async Task<Guid> AddProviderWithSecretsAsync(this ServiceFixture service, Guid tenantId, string channel, string kind,
        IReadOnlyDictionary<string, string> secrets, bool enabled = false)
    {
        var (ciphertext, keyId) = service.Factory.Services.GetRequiredService<SecretProtector>().Protect(secrets);
        var id = Guid.NewGuid();
        await using var cmd = service.Db.CreateCommand("""
            insert into providers (id, tenant_id, channel, kind, name, priority, enabled, settings, secrets_ciphertext, secrets_key_id)
            values ($1, $2, $3, $4, $4, 1, $5, '{}', $6, $7)
            """);
        foreach (var v in new object[] { id, tenantId, channel, kind, enabled, ciphertext, keyId }) cmd.Parameters.AddWithValue(v);
        await cmd.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>Sends through the sandbox and waits for `sent`; returns the id and the provider message id.</summary>
    public static async Task<(Guid Id, string ProviderMessageId)> SentAsync(this TestTenant tenant, object body)
    {
        var id = await tenant.Http.SendOkAsync(body);
        var sent = await tenant.Http.WaitForStatusAsync(id, "sent");
        return (id, sent["providerMessageId"]!.GetValue<string>());
    }

    public static object Sms(string phone = "+14155550100") => new { channel = "sms", recipient = new { phone }, content = new { body = "hi" } };
    public static object WhatsApp(string phone = "+14155550100") => new { channel = "whatsapp", recipient = new { phone }, content = new { body = "hi" } };

    public static async Task<string[]> HistoryAsync(this TestTenant tenant, Guid id) =>
        (await tenant.Http.StatusAsync(id))["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()).ToArray();

    public static string Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();

    public static HttpRequestMessage SendGridRequest(Guid configId, ECDsa key, string body, string? timestamp = null, string? signature = null)
    {
        timestamp ??= Now();
        signature ??= Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/sendgrid/{configId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", signature);
        return request;
    }

    public static string SendGridEvents(params object[] events) => new JsonArray(events.Select(e => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(e))).ToArray()).ToJsonString();

    public static HttpRequestMessage TwilioRequest(Guid configId, string authToken, Dictionary<string, string> form, string? signature = null)
    {
        var path = $"/webhooks/twilio/{configId}";
        signature ??= NotificationService.Features.Sending.ProviderCallbacks.CallbackSignatures.TwilioCompute(authToken, "http://localhost" + path, form);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return request;
    }

    public static HttpRequestMessage MetaRequest(Guid configId, string appSecret, string body, string? signature = null)
    {
        signature ??= "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(body)));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/whatsapp/{configId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Hub-Signature-256", signature);
        return request;
    }

    public static string MetaStatuses(params object[] statuses) => System.Text.Json.JsonSerializer.Serialize(new
    {
        @object = "whatsapp_business_account",
        entry = new[] { new { id = "WABA", changes = new[] { new { field = "messages", value = new { messaging_product = "whatsapp", statuses } } } } },
    });
}
