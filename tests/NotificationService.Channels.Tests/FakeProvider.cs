using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NotificationService.Channels.Tests;

/// <summary>A request a fake provider received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string ContentType, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    public IReadOnlyDictionary<string, string> Form =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Body).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
}

/// <summary>
/// A loopback HTTP double of a provider (Kestrel on 127.0.0.1:0). Each test supplies the provider's wire behaviour
/// (success bodies, error envelopes, 429 + Retry-After, slow answers); every request is recorded.
/// </summary>
public sealed class FakeProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public string BaseUrl { get; }

    private FakeProvider(WebApplication app, string baseUrl) { _app = app; BaseUrl = baseUrl; }

    public static async Task<FakeProvider> StartAsync(Func<RecordedRequest, HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeProvider? self = null;
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            var recorded = new RecordedRequest(ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString,
                ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                ctx.Request.ContentType ?? "", body);
            self!.Requests.Enqueue(recorded);
            await handler(recorded, ctx);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        self = new FakeProvider(app, address.TrimEnd('/'));
        return self;
    }

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
