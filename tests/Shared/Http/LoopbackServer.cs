using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NotificationService.Tests.Shared;

/// <summary>A request a loopback double received, with when it arrived.</summary>
public sealed record RecordedRequest(DateTimeOffset At, string Method, string Path, IReadOnlyDictionary<string, string> Headers, string ContentType, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    public string? Authorization => Header("Authorization");
    public IReadOnlyDictionary<string, string> Form =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Body).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
}

/// <summary>
/// The one HTTP double for tests: Kestrel on 127.0.0.1:0, real HTTP. The test supplies the wire behaviour of what it
/// stands for (a provider's success bodies and error envelopes, 429 with Retry-After, slow answers) and may swap it
/// mid-test (503 until the provider "recovers"); every request is recorded with its arrival time.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public Func<RecordedRequest, HttpContext, Task> Behaviour { get; set; }
    public string BaseUrl { get; }

    private LoopbackServer(WebApplication app, string baseUrl, Func<RecordedRequest, HttpContext, Task> behaviour) =>
        (_app, BaseUrl, Behaviour) = (app, baseUrl, behaviour);

    public static async Task<LoopbackServer> StartAsync(Func<RecordedRequest, HttpContext, Task> behaviour)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LoopbackServer? self = null;
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            var recorded = new RecordedRequest(DateTimeOffset.UtcNow, ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString,
                ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                ctx.Request.ContentType ?? "", body);
            self!.Requests.Enqueue(recorded);
            await self.Behaviour(recorded, ctx);
        });
        await app.StartAsync();
        self = new LoopbackServer(app, app.Urls.First().TrimEnd('/'), behaviour);
        return self;
    }

    /// <summary>Answers every request with <paramref name="status"/>, optional headers and a JSON body.</summary>
    public static Func<RecordedRequest, HttpContext, Task> Respond(int status, string? json = null, Action<HttpResponse>? headers = null) =>
        async (_, ctx) =>
        {
            ctx.Response.StatusCode = status;
            headers?.Invoke(ctx.Response);
            if (json is not null)
            {
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(json);
            }
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
