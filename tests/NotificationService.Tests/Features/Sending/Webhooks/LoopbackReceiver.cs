using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NotificationService.Tests.Features.Sending.Webhooks;

public sealed record Received(string Id, string Timestamp, string Signature, string Body, DateTimeOffset At);

/// <summary>A real HTTP server on 127.0.0.1 that records webhook requests and answers what the test scripts.</summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<Received> Requests { get; } = new();
    /// <summary>Answer for the n-th request (from 1); default 200.</summary>
    public Func<int, (int Status, string? RetryAfter)> Respond { get; set; } = _ => (200, null);
    public string Url { get; }

    private LoopbackReceiver(WebApplication app, string url) => (_app, Url) = (app, url);

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        LoopbackReceiver? self = null;
        var count = 0;
        async Task Receive(HttpContext http)
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            self!.Requests.Enqueue(new Received(http.Request.Headers["webhook-id"]!, http.Request.Headers["webhook-timestamp"]!,
                http.Request.Headers["webhook-signature"]!, body, DateTimeOffset.UtcNow));
            var (status, retryAfter) = self.Respond(Interlocked.Increment(ref count));
            if (retryAfter is not null) http.Response.Headers.RetryAfter = retryAfter;
            http.Response.StatusCode = status;
            await http.Response.WriteAsync(status == 200 ? "ok" : "nope");
        }
        app.MapPost("/hook", Receive);
        app.MapPost("/hook/{**path}", Receive);   // a receiver whose URL carries its own token, as Slack's and Discord's do
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new LoopbackReceiver(app, address + "/hook");
        return self;
    }

    public async Task<List<Received>> WaitForAsync(int count, int timeoutMs = 15_000)
    {
        await Eventually.Async(() => Requests.Count >= count, $"{count} webhook requests", TimeSpan.FromMilliseconds(timeoutMs));
        return [.. Requests];
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
