using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NotificationService.Client.Webhooks;

namespace NotificationService.Client.AspNetCore;

/// <summary>What the receiving endpoint accepts, beside the verifier's options.</summary>
public sealed class NotificationWebhookOptions
{
    /// <summary>The signing secrets, tolerance and clock.</summary>
    public WebhookVerifierOptions Verifier { get; } = new();
    /// <summary>The largest body read (the service's events are a few KB); a larger one is a 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>Registers and maps the webhook receiver.</summary>
public static class NotificationWebhookEndpoints
{
    /// <summary>
    /// The verifier (your endpoint's signing secrets; two during a rotation) and the de-duplicator (in memory unless you
    /// registered an <see cref="IWebhookDeduplicator"/> of your own).
    /// </summary>
    public static IServiceCollection AddNotificationWebhooks(this IServiceCollection services, Action<NotificationWebhookOptions> configure)
    {
        services.AddOptions<NotificationWebhookOptions>().Configure(configure);
        services.TryAddSingleton<IWebhookDeduplicator>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<NotificationWebhookOptions>>().Value;
            return new MemoryWebhookDeduplicator(o.Verifier.TimeProvider, o.Verifier.Tolerance * 2);
        });
        return services;
    }

    /// <summary>
    /// <c>POST <paramref name="pattern"/></c>: verifies the delivery's signature over its raw bytes (401 when it does not
    /// verify, and <paramref name="handler"/> is not called), answers a webhook-id already handled with 200 without
    /// handling it again, and otherwise calls <paramref name="handler"/> with the typed event: 204 when it returns, 500
    /// (so the service retries) when it throws. Call <see cref="AddNotificationWebhooks"/> first.
    /// </summary>
    public static IEndpointConventionBuilder MapNotificationWebhooks(this IEndpointRouteBuilder app, string pattern,
        Func<NotificationEvent, CancellationToken, Task> handler)
    {
        var options = app.ServiceProvider.GetService<IOptions<NotificationWebhookOptions>>()?.Value
            ?? throw new InvalidOperationException(
                "Call services.AddNotificationWebhooks(o => o.Verifier.Secrets.Add(\"whsec_…\")) before MapNotificationWebhooks.");
        var verifier = new WebhookVerifier(options.Verifier);
        // A RequestDelegate, not a lambda with bound parameters: no reflection-built delegate, so the app can trim and compile
        // ahead of time.
        return app.MapPost(pattern, (RequestDelegate)(async http =>
            await (await ReceiveAsync(http, verifier, options.MaxBodyBytes, handler)).ExecuteAsync(http))).ExcludeFromDescription();
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, WebhookVerifier verifier, int maxBytes,
        Func<NotificationEvent, CancellationToken, Task> handler)
    {
        var ct = http.RequestAborted;
        if (http.Request.ContentLength > maxBytes) return Results.Problem(statusCode: 413, title: "The body is too large.");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return Results.Problem(statusCode: 413, title: "The body is too large.");
            buffer.Write(chunk, 0, read);
        }
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var headers = http.Request.Headers;
        string? id = headers["webhook-id"], timestamp = headers["webhook-timestamp"], signature = headers["webhook-signature"];
        if (!verifier.TryVerify(id, timestamp, signature, body.Span, out var failure))
            return Results.Problem(statusCode: 401, title: "The webhook signature does not verify.", detail: failure);

        NotificationEvent e;
        try { e = NotificationEvent.Parse(body.Span, id!); }
        catch (System.Text.Json.JsonException) { return Results.Problem(statusCode: 400, title: "The body is not a webhook event."); }

        var dedup = http.RequestServices.GetRequiredService<IWebhookDeduplicator>();
        switch (await dedup.ClaimAsync(id!, ct))
        {
            case WebhookClaim.Done: return Results.Ok();
            case WebhookClaim.InProgress:
                return Results.Problem(statusCode: 409, title: "This delivery is being handled; try again later.");
        }
        try
        {
            await handler(e, ct);
        }
        catch
        {
            await dedup.ReleaseAsync(id!, CancellationToken.None);
            throw;
        }
        await dedup.CompleteAsync(id!, ct);
        return Results.NoContent();
    }
}
