using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Delivery;

/// <summary>
/// The service with its real chat adapters pointed at one loopback double by the operator's setting
/// (`Providers:ChatDoubles:slack` and `:discord_webhook`), as a deployment points a kind at Prism. The double answers as
/// the platforms do: Slack's `chat.postMessage` with `{"ok":true,"channel","ts"}`, a Discord webhook executed with
/// `?wait=true` with the created message. Each answer carries a message id of its own, so a spec can show the ledger
/// recorded the platform's id. Specs tell their calls apart by their own channel ids and webhook paths.
/// </summary>
public sealed class ChatDoublesFixture : ServiceFixture, IAsyncLifetime
{
    private long _messages = 1_180_000_000_000_000_000;
    public LoopbackServer Platform { get; private set; } = null!;
    /// <summary>The message id each answered request was given, by the request.</summary>
    public ConcurrentDictionary<RecordedRequest, string> Answered { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Providers:ChatDoubles:slack", Platform.BaseUrl);
        builder.UseSetting("Providers:ChatDoubles:discord_webhook", Platform.BaseUrl);
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        Platform = await LoopbackServer.StartAsync(AnswerAsync);
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Platform.DisposeAsync();
    }

    /// <summary>The calls whose path starts with <paramref name="prefix"/> (a Slack method, a Discord webhook's own path).</summary>
    public IReadOnlyList<RecordedRequest> Calls(string prefix) => Platform.Requests.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private async Task AnswerAsync(RecordedRequest request, HttpContext ctx)
    {
        var id = Interlocked.Increment(ref _messages).ToString();
        string json;
        if (request.Path.StartsWith("/chat.postMessage", StringComparison.Ordinal))
        {
            var ts = $"1700000000.{id[^6..]}";
            Answered[request] = $"{request.Form["channel"]}:{ts}";
            json = new JsonObject { ["ok"] = true, ["channel"] = request.Form["channel"], ["ts"] = ts, ["message"] = new JsonObject { ["ts"] = ts } }.ToJsonString();
        }
        else if (request.Path.StartsWith("/webhooks/", StringComparison.Ordinal))
        {
            Answered[request] = id;
            json = $$"""{"id":"{{id}}","type":0,"channel_id":"1180000000000000000","content":"","webhook_id":"1"}""";
        }
        else
        {
            ctx.Response.StatusCode = 404;
            return;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    }
}

[CollectionDefinition("chat-doubles")]
public sealed class ChatDoublesCollection : ICollectionFixture<ChatDoublesFixture>;
