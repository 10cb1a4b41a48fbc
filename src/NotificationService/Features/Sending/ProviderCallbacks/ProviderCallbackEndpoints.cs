using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Suppressions;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// `/webhooks/{provider}/{providerConfigId}`: anonymous, but every request must carry the provider's
/// signature made with that config's secret. Order: size (413) → config (404) → signature (401, nothing
/// written) → parse (400) → apply. Unknown message ids answer 200 so the provider stops retrying.
/// </summary>
public static class ProviderCallbackEndpoints
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static IServiceCollection AddProviderCallbacks(this IServiceCollection services, bool includeWorkers)
    {
        services.AddSingleton<CallbackProviders>();
        services.AddSingleton<IRetainedData, CallbackDedupeRetention>(); // event ids expire once no provider redelivers them
        services.AddSingleton<StatusUpdater>();
        services.AddSingleton<CallbackBatcher>();
        services.AddSingleton<ParkedCallbacks>();
        services.AddSingleton<ParkedCallbackExpiry>().AddSingleton<IRecurringJobs, ParkedCallbackRecurringJobs>();
        // Replayed where workers run: they are the ones storing the message ids parked events wait for.
        if (includeWorkers)
        {
            services.AddSingleton<ParkedCallbackReplayer>();
            services.AddHostedService(sp => sp.GetRequiredService<ParkedCallbackReplayer>());
        }
        return services;
    }

    public static void MapProviderCallbacks(this WebApplication app)
    {
        var group = app.MapGroup("/webhooks").WithTags("Provider callbacks").AllowAnonymous();
        group.MapPost("/sendgrid/{providerConfigId:guid}", SendGridAsync)
            .WithSummary("SendGrid event webhook: delivery statuses, signature checked");
        group.MapPost("/twilio/{providerConfigId:guid}", TwilioAsync)
            .WithSummary("Twilio status callback for SMS and WhatsApp, signature checked");
        group.MapGet("/whatsapp/{providerConfigId:guid}", WhatsAppChallengeAsync).WithSummary("Meta webhook verification challenge");
        group.MapPost("/whatsapp/{providerConfigId:guid}", WhatsAppAsync)
            .WithSummary("Meta WhatsApp Cloud API status webhook, signature checked");
    }

    private static async Task<IResult> SendGridAsync(Guid providerConfigId, HttpRequest request, CallbackProviders providers,
        CallbackBatcher updater, TimeProvider clock, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, "sendgrid", ct);
        var provider = await providers.FindAsync(providerConfigId, ct);
        if (provider?.Kind != ProviderKinds.SendGrid) return TypedResults.NotFound();
        var timestamp = request.Headers["X-Twilio-Email-Event-Webhook-Timestamp"].ToString();
        if (provider.Secret("eventWebhookPublicKey") is not { } key) return Reject("sendgrid", "no_secret");
        if (!CallbackSignatures.SendGrid(key, timestamp, body, request.Headers["X-Twilio-Email-Event-Webhook-Signature"].ToString()))
            return Reject("sendgrid", "signature");
        if (!CallbackSignatures.TimestampFresh(timestamp, clock.GetUtcNow())) return Reject("sendgrid", "stale_timestamp");
        return await ApplyAsync("sendgrid", provider, SendGridEvents.Parse(body), updater, ct);
    }

    private static async Task<IResult> TwilioAsync(Guid providerConfigId, HttpRequest request, CallbackProviders providers,
        CallbackBatcher updater, IConfiguration config, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, "twilio", ct);
        var provider = await providers.FindAsync(providerConfigId, ct);
        if (provider?.Kind is not (ProviderKinds.TwilioSms or ProviderKinds.TwilioWhatsApp)) return TypedResults.NotFound();
        if (provider.Secret("authToken") is not { } token) return Reject("twilio", "no_secret");
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        try { form = new FormReader(Encoding.UTF8.GetString(body)).ReadForm(); }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException) { form = []; }
        // Behind a proxy the URL Twilio signed is the public one, not what Kestrel sees.
        var baseUrl = config["PublicBaseUrl"]?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        var url = baseUrl + request.Path + request.QueryString;
        var pairs = form.SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? "")));
        if (!CallbackSignatures.Twilio(token, url, pairs, request.Headers["X-Twilio-Signature"].ToString()))
            return Reject("twilio", "signature");
        if (!request.HasFormContentType || form.Count == 0)
            throw RequestValidationException.For("$", "Expected application/x-www-form-urlencoded parameters.");
        return await ApplyAsync("twilio", provider, TwilioEvents.Parse(form), updater, ct);
    }

    private static async Task<IResult> WhatsAppChallengeAsync(Guid providerConfigId, HttpRequest request, CallbackProviders providers,
        CancellationToken ct)
    {
        var provider = await providers.FindAsync(providerConfigId, ct);
        if (provider?.Kind != ProviderKinds.MetaWhatsApp) return TypedResults.NotFound();
        var q = request.Query;
        var expected = provider.Secret("verifyToken");
        if (q["hub.mode"] != "subscribe" || expected is null || !CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(q["hub.verify_token"].ToString()), Encoding.UTF8.GetBytes(expected)))
        {
            CallbackMetrics.Reject("whatsapp", "verify_token");
            return TypedResults.StatusCode(403);
        }
        return TypedResults.Text(q["hub.challenge"].ToString(), "text/plain");
    }

    private static async Task<IResult> WhatsAppAsync(Guid providerConfigId, HttpRequest request, CallbackProviders providers,
        CallbackBatcher updater, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, "whatsapp", ct);
        var provider = await providers.FindAsync(providerConfigId, ct);
        if (provider?.Kind != ProviderKinds.MetaWhatsApp) return TypedResults.NotFound();
        if (provider.Secret("appSecret") is not { } secret) return Reject("whatsapp", "no_secret");
        if (!CallbackSignatures.Meta(secret, body, request.Headers["X-Hub-Signature-256"].ToString()))
            return Reject("whatsapp", "signature");
        return await ApplyAsync("whatsapp", provider, WhatsAppEvents.Parse(body), updater, ct);
    }

    private static async Task<IResult> ApplyAsync(string name, CallbackProvider provider, List<ProviderEvent> events,
        CallbackBatcher updater, CancellationToken ct)
    {
        var result = await updater.ApplyAsync(provider, events);
        CallbackMetrics.AppliedEvents(name, result.Applied);
        CallbackMetrics.UnknownEvents(name, result.Unknown);
        CallbackMetrics.ParkedEvents(name, result.Parked);
        return TypedResults.Ok(result);
    }

    private static IResult Reject(string provider, string reason)
    {
        CallbackMetrics.Reject(provider, reason);
        return TypedResults.Unauthorized();
    }

    /// <summary>The raw bytes (signatures cover them exactly), at most 1 MB.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, string provider, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            CallbackMetrics.Reject(provider, "too_large");
            throw new PayloadTooLargeException($"Callback bodies are limited to {MaxBodyBytes} bytes.");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                CallbackMetrics.Reject(provider, "too_large");
                throw new PayloadTooLargeException($"Callback bodies are limited to {MaxBodyBytes} bytes.");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
