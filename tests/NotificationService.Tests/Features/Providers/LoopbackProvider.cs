using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NotificationService.Tests.Features.Providers;

public sealed record Hit(DateTimeOffset At, string Path, string? Authorization, string Body);

/// <summary>
/// A provider double on 127.0.0.1 speaking the provider's wire format (Kestrel, real HTTP). The behaviour can be
/// swapped mid-test (e.g. 503 until the provider "recovers"); every request is recorded with its arrival time.
/// </summary>
public sealed class LoopbackProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<Hit> Hits { get; } = new();
    public Func<Hit, HttpContext, Task> Behaviour { get; set; }
    public string BaseUrl { get; }

    private LoopbackProvider(WebApplication app, string baseUrl, Func<Hit, HttpContext, Task> behaviour) { _app = app; BaseUrl = baseUrl; Behaviour = behaviour; }

    public static async Task<LoopbackProvider> StartAsync(Func<Hit, HttpContext, Task> behaviour)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LoopbackProvider? self = null;
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var hit = new Hit(DateTimeOffset.UtcNow, ctx.Request.Path, ctx.Request.Headers.Authorization.ToString(), await reader.ReadToEndAsync());
            self!.Hits.Enqueue(hit);
            await self.Behaviour(hit, ctx);
        });
        await app.StartAsync();
        self = new LoopbackProvider(app, app.Urls.First().TrimEnd('/'), behaviour);
        return self;
    }

    /// <summary>SendGrid's answers: 202 with X-Message-Id, or an error envelope with a status (and Retry-After).</summary>
    public static Func<Hit, HttpContext, Task> SendGridAccepts => (_, ctx) =>
    {
        ctx.Response.StatusCode = 202;
        ctx.Response.Headers["X-Message-Id"] = "sg-" + Guid.NewGuid().ToString("N")[..12];
        return Task.CompletedTask;
    };

    public static Func<Hit, HttpContext, Task> SendGridError(int status, double? retryAfterSeconds = null) => async (_, ctx) =>
    {
        ctx.Response.StatusCode = status;
        if (retryAfterSeconds is { } s) ctx.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync("""{"errors":[{"message":"simulated","field":null,"help":null}]}""");
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
