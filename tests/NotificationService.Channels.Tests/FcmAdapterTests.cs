using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using static NotificationService.Channels.Tests.TestSupport;

namespace NotificationService.Channels.Tests;

public sealed class FcmAdapterTests
{
    private static readonly string PrivateKeyPem = CreateKey();
    private static string CreateKey() { using var rsa = RSA.Create(2048); return rsa.ExportPkcs8PrivateKeyPem(); }

    public static string ServiceAccountJson(string tokenUri) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = "demo-project",
        ["private_key_id"] = "key-1",
        ["private_key"] = PrivateKeyPem,
        ["client_email"] = "fcm-sender@demo-project.iam.gserviceaccount.com",
        ["client_id"] = "1234567890",
        ["token_uri"] = tokenUri,
    });

    /// <summary>A loopback OAuth2 token endpoint handing out access-token-1, access-token-2, …</summary>
    private sealed class TokenServer(int expiresIn = 3600)
    {
        public int Issued;
        public LoopbackServer Server = null!;
        public async Task<TokenServer> StartAsync()
        {
            Server = await LoopbackServer.StartAsync(async (req, ctx) =>
            {
                var n = Interlocked.Increment(ref Issued);
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync($$"""{"access_token":"access-token-{{n}}","expires_in":{{expiresIn}},"token_type":"Bearer"}""");
            });
            return this;
        }
        public string Uri => Server.BaseUrl + "/token";
    }

    private static ProviderConfig Config(string baseUrl, string tokenUri) => TestSupport.Config("fcm", "push",
        new { baseUrl, projectId = "demo-project" }, new() { ["serviceAccountJson"] = ServiceAccountJson(tokenUri) });

    private static OutgoingMessage Push(params string[] tokens) => Message("push",
        new Recipient(UserId: "u1", DeviceTokens: tokens),
        new RenderedContent(Title: "Order shipped", Body: "It is on its way", ImageUrl: "https://cdn.example.com/box.png",
            ActionUrl: "https://app.example.com/orders/42", Icon: "ic_box", Data: new Dictionary<string, string> { ["orderId"] = "42" }),
        category: "orders");

    private static string FcmError(int code, string status, string? errorCode = null) =>
        errorCode is null
            ? $$$"""{"error":{"code":{{{code}}},"message":"boom","status":"{{{status}}}"}}"""
            : $$$"""{"error":{"code":{{{code}}},"message":"boom","status":"{{{status}}}","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"{{{errorCode}}}"}]}}""";

    [Fact]
    public async Task A_token_endpoint_or_fcm_host_the_outbound_guard_refuses_is_a_provider_failure_and_is_never_contacted()
    {
        var tokens = await new TokenServer().StartAsync();
        await using var _ = tokens.Server;
        await using var fcm = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"name":"projects/demo-project/messages/m1"}"""));
        using var sp = Services(configure: s => s.AddSingleton(new NotificationService.Channels.Outbound.OutboundGuard([])));
        var result = await sp.Adapter("fcm").SendAsync(Push("tok-a"), Config(fcm.BaseUrl, tokens.Uri), CancellationToken.None);
        Assert.IsType<DeliveryResult.ProviderFailure>(result);
        Assert.Empty(tokens.Server.Requests);
        Assert.Empty(fcm.Requests);
    }

    [Fact]
    public async Task Sends_one_request_per_token_with_cached_oauth_token_from_token_uri()
    {
        var tokens = await new TokenServer().StartAsync();
        await using var _ = tokens.Server;
        var n = 0;
        await using var fcm = await LoopbackServer.StartAsync(async (req, ctx) =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync($$"""{"name":"projects/demo-project/messages/m{{Interlocked.Increment(ref n)}}"}""");
        });
        using var sp = Services();
        var adapter = sp.Adapter("fcm");
        var config = Config(fcm.BaseUrl, tokens.Uri);

        var result = await adapter.SendAsync(Push("tok-a", "tok-b"), config, CancellationToken.None);
        var sent = Assert.IsType<DeliveryResult.Sent>(result);
        Assert.Equal("projects/demo-project/messages/m1", sent.ProviderMessageId);
        Assert.Null(sent.DeadTokens);
        Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Push("tok-c"), config, CancellationToken.None));

        Assert.Equal(1, tokens.Issued); // cached across requests
        var tokenRequest = Assert.Single(tokens.Server.Requests);
        Assert.Equal("/token", tokenRequest.Path);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", tokenRequest.Form["grant_type"]);
        Assert.False(string.IsNullOrEmpty(tokenRequest.Form["assertion"]));

        var requests = fcm.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r =>
        {
            Assert.Equal("/v1/projects/demo-project/messages:send", r.Path);
            Assert.Equal("Bearer access-token-1", r.Header("Authorization"));
        });
        var m = JsonNode.Parse(requests[0].Body)!["message"]!;
        Assert.Equal("tok-a", m["token"]!.ToString());
        Assert.Equal("tok-b", JsonNode.Parse(requests[1].Body)!["message"]!["token"]!.ToString());
        Assert.Equal("Order shipped", m["notification"]!["title"]!.ToString());
        Assert.Equal("It is on its way", m["notification"]!["body"]!.ToString());
        Assert.Equal("https://cdn.example.com/box.png", m["notification"]!["image"]!.ToString());
        Assert.Equal("42", m["data"]!["orderId"]!.ToString());
        Assert.Equal(NotificationId.ToString(), m["data"]!["notification_id"]!.ToString());
        Assert.Equal("high", m["android"]!["priority"]!.ToString());
        Assert.Equal("ic_box", m["android"]!["notification"]!["icon"]!.ToString());
        Assert.Equal("default", m["apns"]!["payload"]!["aps"]!["sound"]!.ToString());
        Assert.Equal("https://cdn.example.com/box.png", m["apns"]!["fcm_options"]!["image"]!.ToString());
    }

    [Fact]
    public async Task Topic_target()
    {
        var tokens = await new TokenServer().StartAsync();
        await using var _ = tokens.Server;
        await using var fcm = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"name":"projects/demo-project/messages/t1"}"""));
        using var sp = Services();
        var message = Message("push", new Recipient(Topic: "news"), new RenderedContent(Title: "Hi", Body: "News"));
        Assert.Equal(new DeliveryResult.Sent("projects/demo-project/messages/t1"), await sp.Adapter("fcm").SendAsync(message, Config(fcm.BaseUrl, tokens.Uri), CancellationToken.None));
        var m = JsonNode.Parse(Assert.Single(fcm.Requests).Body)!["message"]!;
        Assert.Equal("news", m["topic"]!.ToString());
        Assert.Null(m["token"]);
    }

    [Fact]
    public async Task Refreshes_token_once_on_401()
    {
        var tokens = await new TokenServer().StartAsync();
        await using var _ = tokens.Server;
        await using var fcm = await LoopbackServer.StartAsync(async (req, ctx) =>
        {
            if (req.Header("Authorization") == "Bearer access-token-1") { ctx.Response.StatusCode = 401; await ctx.Response.WriteAsync(FcmError(401, "UNAUTHENTICATED")); return; }
            await ctx.Response.WriteAsync("""{"name":"projects/demo-project/messages/ok"}""");
        });
        using var sp = Services();
        var result = await sp.Adapter("fcm").SendAsync(Push("tok-a"), Config(fcm.BaseUrl, tokens.Uri), CancellationToken.None);
        Assert.IsType<DeliveryResult.Sent>(result);
        Assert.Equal(2, tokens.Issued);
        Assert.Equal(["Bearer access-token-1", "Bearer access-token-2"], fcm.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Persistent_401_is_a_provider_failure_after_one_refresh()
    {
        var tokens = await new TokenServer().StartAsync();
        await using var _ = tokens.Server;
        await using var fcm = await LoopbackServer.StartAsync(LoopbackServer.Respond(401, FcmError(401, "UNAUTHENTICATED")));
        using var sp = Services();
        var result = await sp.Adapter("fcm").SendAsync(Push("tok-a"), Config(fcm.BaseUrl, tokens.Uri), CancellationToken.None);
        Assert.IsType<DeliveryResult.ProviderFailure>(result);
        Assert.Equal(2, fcm.Requests.Count);
        Assert.Equal(2, tokens.Issued);
    }

    [Fact]
    public async Task Token_close_to_expiry_is_refreshed()
    {
        var tokens = await new TokenServer(expiresIn: 30).StartAsync(); // inside the one-minute refresh margin
        await using var _ = tokens.Server;
        await using var fcm = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"name":"x"}"""));
        using var sp = Services();
        var adapter = sp.Adapter("fcm");
        await adapter.SendAsync(Push("tok-a"), Config(fcm.BaseUrl, tokens.Uri), CancellationToken.None);
        await adapter.SendAsync(Push("tok-a"), Config(fcm.BaseUrl, tokens.Uri), CancellationToken.None);
        Assert.Equal(2, tokens.Issued);
    }

    [Fact]
    public async Task Dead_tokens_are_reported_alongside_delivered_ones()
    {
        var tokens = await new TokenServer().StartAsync();
        await using var _ = tokens.Server;
        await using var fcm = await LoopbackServer.StartAsync(async (req, ctx) =>
        {
            var token = JsonNode.Parse(req.Body)!["message"]!["token"]!.ToString();
            ctx.Response.ContentType = "application/json";
            switch (token)
            {
                case "gone": ctx.Response.StatusCode = 404; await ctx.Response.WriteAsync(FcmError(404, "NOT_FOUND", "UNREGISTERED")); break;
                case "other-sender": ctx.Response.StatusCode = 403; await ctx.Response.WriteAsync(FcmError(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH")); break;
                default: await ctx.Response.WriteAsync("""{"name":"projects/demo-project/messages/ok"}"""); break;
            }
        });
        using var sp = Services();
        var adapter = sp.Adapter("fcm");
        var config = Config(fcm.BaseUrl, tokens.Uri);

        var sent = Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Push("gone", "live", "other-sender"), config, CancellationToken.None));
        Assert.Equal(["gone", "other-sender"], sent.DeadTokens);

        var permanent = Assert.IsType<DeliveryResult.Permanent>(await adapter.SendAsync(Push("gone", "other-sender"), config, CancellationToken.None));
        Assert.Equal(["gone", "other-sender"], permanent.DeadTokens);
    }

    [Theory]
    [InlineData(503, "UNAVAILABLE", null, typeof(DeliveryResult.Transient))]
    [InlineData(500, "INTERNAL", null, typeof(DeliveryResult.Transient))]
    [InlineData(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", typeof(DeliveryResult.Throttled))]
    [InlineData(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", typeof(DeliveryResult.Permanent))]
    [InlineData(404, "NOT_FOUND", "UNREGISTERED", typeof(DeliveryResult.Permanent))]
    [InlineData(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", typeof(DeliveryResult.Permanent))]
    [InlineData(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", typeof(DeliveryResult.ProviderFailure))]
    [InlineData(403, "PERMISSION_DENIED", null, typeof(DeliveryResult.ProviderFailure))]
    public async Task Classifies_fcm_errors(int status, string rpcStatus, string? errorCode, Type expected)
    {
        var tokens = await new TokenServer().StartAsync();
        await using var _ = tokens.Server;
        await using var fcm = await LoopbackServer.StartAsync(LoopbackServer.Respond(status, FcmError(status, rpcStatus, errorCode), r => { if (status == 429) r.Headers.RetryAfter = "9"; }));
        using var sp = Services();
        var result = await sp.Adapter("fcm").SendAsync(Push("tok-a"), Config(fcm.BaseUrl, tokens.Uri), CancellationToken.None);
        Assert.IsType(expected, result);
        if (result is DeliveryResult.Throttled t) Assert.Equal(TimeSpan.FromSeconds(9), t.RetryAfter);
        Assert.DoesNotContain("PRIVATE KEY", result.ToString());
        Assert.DoesNotContain("access-token", result.ToString());
    }

    [Fact]
    public async Task Unreachable_token_endpoint_is_transient_and_bad_key_is_a_provider_failure()
    {
        await using var fcm = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"name":"x"}"""));
        using var sp = Services();
        var adapter = sp.Adapter("fcm");
        var down = await adapter.SendAsync(Push("tok-a"), Config(fcm.BaseUrl, $"http://127.0.0.1:{SendGridAdapterTests.FreePort()}/token"), CancellationToken.None);
        Assert.IsType<DeliveryResult.Transient>(down);

        var broken = TestSupport.Config("fcm", "push", new { baseUrl = fcm.BaseUrl, projectId = "demo-project" }, new() { ["serviceAccountJson"] = "{not json" });
        var failure = Assert.IsType<DeliveryResult.ProviderFailure>(await adapter.SendAsync(Push("tok-a"), broken, CancellationToken.None));
        Assert.DoesNotContain("{not json", failure.Error);
        Assert.Empty(fcm.Requests);
    }

    [Fact]
    public async Task Token_endpoint_rejection_is_a_provider_failure()
    {
        await using var tokenServer = await LoopbackServer.StartAsync(LoopbackServer.Respond(400, """{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"""));
        await using var fcm = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"name":"x"}"""));
        using var sp = Services();
        var result = await sp.Adapter("fcm").SendAsync(Push("tok-a"), Config(fcm.BaseUrl, tokenServer.BaseUrl + "/token"), CancellationToken.None);
        var failure = Assert.IsType<DeliveryResult.ProviderFailure>(result);
        Assert.Contains("invalid_grant", failure.Error);
    }

    [Fact]
    public async Task No_target_is_permanent()
    {
        using var sp = Services();
        var message = Message("push", new Recipient(UserId: "u1"), new RenderedContent(Title: "Hi"));
        var result = Assert.IsType<DeliveryResult.Permanent>(await sp.Adapter("fcm").SendAsync(message, Config("http://127.0.0.1:9", "http://127.0.0.1:9/token"), CancellationToken.None));
        Assert.Equal("no_target", result.Code);
    }
}
