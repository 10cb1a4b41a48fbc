using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using static NotificationService.Channels.Tests.TestSupport;

namespace NotificationService.Channels.Tests;

public sealed class MetaWhatsAppAdapterTests
{
    private const string AccessToken = "EAAG-meta-access-token-secret";
    private const string Accepted = """{"messaging_product":"whatsapp","contacts":[{"input":"+447700900123","wa_id":"447700900123"}],"messages":[{"id":"wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}]}""";

    private static ProviderConfig Config(string baseUrl, string? apiVersion = null) => TestSupport.Config("meta_whatsapp", "whatsapp",
        apiVersion is null ? new { baseUrl, phoneNumberId = "106540352242922" } : new { baseUrl, phoneNumberId = "106540352242922", apiVersion },
        new() { ["accessToken"] = AccessToken });

    private static OutgoingMessage Text() => Message("whatsapp", new Recipient(Phone: "+447700900123"), new RenderedContent(Body: "Hello there"));

    // Generous by default: a cold loopback server on a loaded CI machine can take over a second to answer.
    private static async Task<DeliveryResult> Send(LoopbackServer fake, OutgoingMessage? message = null, ProviderConfig? config = null, TimeSpan? timeout = null)
    {
        using var sp = Services(timeout ?? TimeSpan.FromSeconds(10));
        return await sp.Adapter("meta_whatsapp").SendAsync(message ?? Text(), config ?? Config(fake.BaseUrl), CancellationToken.None);
    }

    private static string GraphError(int code, string message = "error") =>
        "{\"error\":{\"message\":\"" + message + "\",\"type\":\"OAuthException\",\"code\":" + code +
        ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"" + message + " details\"},\"fbtrace_id\":\"Az8or2yhqkZfEZ-_4Qn_Bam\"}}";

    [Fact]
    public async Task A_destination_the_outbound_guard_refuses_is_a_provider_failure_and_is_never_contacted()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, Accepted));
        using var sp = Services(configure: s => s.AddSingleton(new NotificationService.Channels.Outbound.OutboundGuard([])));
        var result = await sp.Adapter("meta_whatsapp").SendAsync(Text(), Config(fake.BaseUrl), CancellationToken.None);
        Assert.Equal("refused", Assert.IsType<DeliveryResult.ProviderFailure>(result).Code);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Sends_text_message_with_bearer_token()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, Accepted));
        var result = await Send(fake);

        Assert.Equal(new DeliveryResult.Sent("wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"), result);
        var req = Assert.Single(fake.Requests);
        Assert.Equal("/v23.0/106540352242922/messages", req.Path);
        Assert.Equal("Bearer " + AccessToken, req.Header("Authorization"));
        var body = JsonNode.Parse(req.Body)!;
        Assert.Equal("whatsapp", body["messaging_product"]!.ToString());
        Assert.Equal("+447700900123", body["to"]!.ToString());
        Assert.Equal("text", body["type"]!.ToString());
        Assert.Equal("Hello there", body["text"]!["body"]!.ToString());
    }

    [Fact]
    public async Task Sends_template_message_with_body_parameters_and_configured_version()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, Accepted));
        var template = new WhatsAppTemplateRef("order_shipped", "en_US", ["Alice", "#42"]);
        var message = Message("whatsapp", new Recipient(Phone: "+447700900123"), new RenderedContent(WhatsAppTemplate: template));
        Assert.IsType<DeliveryResult.Sent>(await Send(fake, message, Config(fake.BaseUrl, "v24.0")));

        var req = Assert.Single(fake.Requests);
        Assert.Equal("/v24.0/106540352242922/messages", req.Path);
        var body = JsonNode.Parse(req.Body)!;
        Assert.Equal("template", body["type"]!.ToString());
        Assert.Equal("order_shipped", body["template"]!["name"]!.ToString());
        Assert.Equal("en_US", body["template"]!["language"]!["code"]!.ToString());
        var component = body["template"]!["components"]![0]!;
        Assert.Equal("body", component["type"]!.ToString());
        Assert.Equal("text", component["parameters"]![0]!["type"]!.ToString());
        Assert.Equal("Alice", component["parameters"]![0]!["text"]!.ToString());
        Assert.Equal("#42", component["parameters"]![1]!["text"]!.ToString());
    }

    [Theory]
    [InlineData(500, 131000, typeof(DeliveryResult.Transient))]
    [InlineData(400, 131001, typeof(DeliveryResult.Transient))]
    [InlineData(400, 131002, typeof(DeliveryResult.Transient))]
    [InlineData(400, 130429, typeof(DeliveryResult.Throttled))]
    [InlineData(400, 80007, typeof(DeliveryResult.Throttled))]
    [InlineData(400, 131056, typeof(DeliveryResult.Throttled))]
    [InlineData(400, 131026, typeof(DeliveryResult.Permanent))]
    [InlineData(400, 131047, typeof(DeliveryResult.Permanent))]
    [InlineData(400, 132000, typeof(DeliveryResult.Permanent))]
    [InlineData(401, 190, typeof(DeliveryResult.ProviderFailure))]
    [InlineData(400, 190, typeof(DeliveryResult.ProviderFailure))]
    [InlineData(503, 424242, typeof(DeliveryResult.Transient))]
    public async Task Classifies_whatsapp_error_codes(int status, int code, Type expected)
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(status, GraphError(code)));
        var result = await Send(fake);
        Assert.IsType(expected, result);
        Assert.DoesNotContain(AccessToken, result.ToString());
    }

    [Fact]
    public async Task Throttle_uses_retry_after()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(429, GraphError(130429, "Rate limit hit"), r => r.Headers.RetryAfter = "5"));
        var result = Assert.IsType<DeliveryResult.Throttled>(await Send(fake));
        Assert.Equal(TimeSpan.FromSeconds(5), result.RetryAfter);
        Assert.Equal("130429", result.Code);
    }

    [Fact]
    public async Task Timeout_is_transient()
    {
        await using var fake = await LoopbackServer.StartAsync(async (_, ctx) => { await Task.Delay(30_000, ctx.RequestAborted); });
        Assert.IsType<DeliveryResult.Transient>(await Send(fake, timeout: TimeSpan.FromMilliseconds(700)));
    }
}
