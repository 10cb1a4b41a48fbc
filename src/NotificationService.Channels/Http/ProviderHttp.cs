using NotificationService.Channels.Outbound;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace NotificationService.Channels.Http;

/// <summary>Shared plumbing of the HTTP provider adapters: base URLs, Retry-After, HTTP status and exception classification.</summary>
public static class ProviderHttp
{
    /// <summary>Used when a provider throttles without saying for how long.</summary>
    public static readonly TimeSpan DefaultThrottleDelay = TimeSpan.FromSeconds(10);

    /// <summary>The config's `baseUrl` (absolute http/https) or the provider's default, without a trailing slash.</summary>
    public static string BaseUrl(ProviderConfig config, string defaultBaseUrl)
    {
        var configured = config.Setting("baseUrl");
        var value = string.IsNullOrWhiteSpace(configured) ? defaultBaseUrl : configured;
        if (!ProviderSettingsValidator.IsHttpUrl(value))
            throw new ProviderConfigException("settings.baseUrl is not an absolute http(s) URL");
        return value.TrimEnd('/');
    }

    /// <summary>Retry-After as a delay: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider? time = null) => RetryAfter(response.Headers, time);

    /// <inheritdoc cref="RetryAfter(HttpResponseMessage, TimeProvider?)"/>
    public static TimeSpan? RetryAfter(HttpResponseHeaders? headers, TimeProvider? time = null)
    {
        var header = headers?.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - (time ?? TimeProvider.System).GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>The default classification of an HTTP status, for responses whose body carries no known provider code.</summary>
    public static OutcomeKind ClassifyStatus(HttpStatusCode status) => (int)status switch
    {
        429 => OutcomeKind.Throttled,
        401 or 403 => OutcomeKind.ProviderFailure,
        408 or 425 => OutcomeKind.Transient,
        >= 500 => OutcomeKind.Transient,
        _ => OutcomeKind.Permanent,
    };

    /// <summary>Builds the result for a classified failure.</summary>
    public static DeliveryResult Result(OutcomeKind kind, string error, string? code, TimeSpan? retryAfter) => kind switch
    {
        OutcomeKind.Throttled => new DeliveryResult.Throttled(retryAfter ?? DefaultThrottleDelay, error, code),
        OutcomeKind.Transient => new DeliveryResult.Transient(error, code, retryAfter),
        OutcomeKind.Permanent => new DeliveryResult.Permanent(error, code),
        _ => new DeliveryResult.ProviderFailure(error, code),
    };

    /// <summary>
    /// A provider's error answer, the same shape for every HTTP adapter: <c>{provider}: HTTP {status}[ code {code}][: detail]</c>,
    /// classified by the provider's own code when its table knows it, else by the HTTP status; Retry-After honoured.
    /// </summary>
    public static DeliveryResult Failed(string provider, int status, HttpResponseHeaders? headers, OutcomeKind? byCode, int? code,
        string? detail, TimeSpan? retryAfter = null)
    {
        var kind = byCode ?? ClassifyStatus((HttpStatusCode)status);
        var error = $"{provider}: HTTP {status}" + (code is null ? "" : $" code {code}")
            + (string.IsNullOrEmpty(detail) ? "" : ": " + Clip(detail));
        return Result(kind, error, code?.ToString() ?? status.ToString(), retryAfter ?? RetryAfter(headers));
    }

    /// <summary>
    /// Network-level failures: timeouts and refused/reset connections are transient. Cancellation by the caller
    /// is not a provider error and is rethrown.
    /// </summary>
    public static DeliveryResult FromException(string provider, Exception ex, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) throw new OperationCanceledException(ct);
        return ex switch
        {
            ProviderConfigException pce => new DeliveryResult.ProviderFailure($"{provider}: {pce.Message}", "config"),
            // A destination the outbound guard refuses stays refused: a config problem, not worth retrying.
            OutboundRefusedException ore => new DeliveryResult.ProviderFailure($"{provider}: {ore.Message}", "refused"),
            HttpRequestException { InnerException: OutboundRefusedException ore } =>
                new DeliveryResult.ProviderFailure($"{provider}: {ore.Message}", "refused"),
            TaskCanceledException or TimeoutException => new DeliveryResult.Transient($"{provider}: request timed out", "timeout"),
            HttpRequestException { InnerException: SocketException se } =>
                new DeliveryResult.Transient($"{provider}: connection failed ({se.SocketErrorCode})", "network"),
            HttpRequestException hre => new DeliveryResult.Transient($"{provider}: connection failed ({hre.HttpRequestError})", "network"),
            IOException or SocketException => new DeliveryResult.Transient($"{provider}: connection failed", "network"),
            _ => new DeliveryResult.Transient($"{provider}: unexpected {ex.GetType().Name}", "exception"),
        };
    }

    /// <summary>
    /// A JSON body with Content-Type exactly <c>application/json</c>: JSON is UTF-8 by definition (RFC 8259), and the Graph
    /// API's published contract enumerates the bare media type (Prism rejects <c>application/json; charset=utf-8</c>).
    /// </summary>
    public static HttpContent Json(System.Text.Json.Nodes.JsonNode body)
    {
        var content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    public static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try { return await response.Content.ReadAsStringAsync(ct); }
        catch (Exception) when (!ct.IsCancellationRequested) { return ""; }
    }

    /// <summary>Provider error text for our error strings: single line, a short snippet (tenants see it; the code carries the
    /// meaning).</summary>
    public static string Clip(string? text, int max = 120)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= max ? oneLine : oneLine[..max] + "…";
    }
}

/// <summary>A provider config that cannot be used (missing setting or secret). Becomes a ProviderFailure, never escapes an
/// adapter.</summary>
public sealed class ProviderConfigException(string message) : Exception(message);

internal static class ProviderConfigExtensions
{
    public static string RequiredSetting(this ProviderConfig config, string name) =>
        config.Setting(name) is { Length: > 0 } v ? v : throw new ProviderConfigException($"settings.{name} is missing");

    public static string RequiredSecret(this ProviderConfig config, string name) =>
        config.Secret(name) is { Length: > 0 } v ? v : throw new ProviderConfigException($"secrets.{name} is missing");
}
