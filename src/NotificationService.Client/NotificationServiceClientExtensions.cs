using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace NotificationService.Client;

/// <summary>Registers <see cref="NotificationServiceClient"/>.</summary>
public static class NotificationServiceClientExtensions
{
    /// <summary>The IHttpClientFactory name of the client's HttpClient.</summary>
    public const string HttpClientName = "NotificationService.Client";

    // Made once: the factory runs the configuration below for every HttpClient it hands out, that is for every call.
    private static readonly ProductInfoHeaderValue UserAgent =
        new("NotificationService.Client", typeof(NotificationServiceClient).Assembly.GetName().Version?.ToString(3));

    /// <summary>
    /// Registers a singleton <see cref="NotificationServiceClient"/> over a named HttpClient with one resilience pipeline:
    /// a total timeout, retries with exponential backoff and jitter on 408, 429, 503 and transport errors (a Retry-After
    /// from the service sets the wait), a circuit breaker, and a timeout per attempt. The HttpClient has no timeout or
    /// retry of its own, so there is one retry layer. Returns the HttpClient's builder (to add a handler or a proxy).
    /// </summary>
    public static IHttpClientBuilder AddNotificationServiceClient(this IServiceCollection services,
        Action<NotificationServiceClientOptions> configure)
    {
        services.AddOptions<NotificationServiceClientOptions>().Configure(configure).Validate(o => { o.Validate(); return true; });
        services.AddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new NotificationServiceClient(() => factory.CreateClient(HttpClientName));
        });
        var builder = services.AddHttpClient(HttpClientName, (sp, http) =>
        {
            var o = sp.GetRequiredService<IOptions<NotificationServiceClientOptions>>().Value;
            var baseAddress = o.BaseAddress!.ToString();
            http.BaseAddress = new Uri(baseAddress.EndsWith('/') ? baseAddress : baseAddress + "/");   // paths are relative to it
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);
            http.DefaultRequestHeaders.UserAgent.Add(UserAgent);
            http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;   // the pipeline's timeouts rule, not a second one here
        });
        builder.AddResilienceHandler("notification-service", (pipeline, context) =>
            Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<NotificationServiceClientOptions>>().Value));
        return builder;
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, NotificationServiceClientOptions o)
    {
        pipeline.AddTimeout(o.TotalTimeout);
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            ShouldRetryAfterHeader = false,   // our own DelayGenerator below reads it, capped
            MaxRetryAttempts = Math.Max(o.MaxRetries, 1),
            ShouldHandle = args => ValueTask.FromResult(o.MaxRetries > 0 && IsRetryable(args.Outcome)),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = o.RetryBaseDelay,
            MaxDelay = o.MaxRetryDelay,
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, o.MaxRetryDelay)),
        });
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = o.CircuitBreakerFailureRatio,
            MinimumThroughput = o.CircuitBreakerMinimumThroughput,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = o.CircuitBreakerBreakDuration,
        });
        pipeline.AddTimeout(o.AttemptTimeout);
    }

    /// <summary>
    /// What is worth another attempt: the service asked to come back (429, 503), the request timed out (408, or this
    /// attempt's timeout), or the connection failed. Never a 4xx about the request itself, never a 500.
    /// </summary>
    internal static bool IsRetryable(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout } => true,
        _ => false,
    };

    /// <summary>The wait a Retry-After asks for, at most <paramref name="max"/>; null (the backoff decides) without one.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max)
    {
        if (response?.Headers.RetryAfter is not { } ra) return null;
        var wait = ra.Delta ?? (ra.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is not { } w) return null;
        return w < TimeSpan.Zero ? TimeSpan.Zero : w > max ? max : w;
    }
}
