namespace NotificationService.Client;

/// <summary>Where the service is, the key to call it with, and how hard to try.</summary>
public sealed class NotificationServiceClientOptions
{
    /// <summary>The service's base address, e.g. <c>https://notify.example.com</c> (no <c>/api/v1</c>: the client adds it).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>A service-account API key (<c>nsk_…</c>), sent as <c>Authorization: Bearer</c>. Never logged by the client.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Retries after the first attempt, for 408, 429, 503 and transport errors (and an attempt that timed out).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones double, with jitter. A Retry-After from the service wins.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two attempts, Retry-After included: longer, and the call fails with the answer it had.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take before it is abandoned (and retried).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a whole call may take, every attempt and wait included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The circuit breaker: once this share of calls fails (over at least <see cref="CircuitBreakerMinimumThroughput"/>
    /// calls in 30 s), calls fail at once for <see cref="CircuitBreakerBreakDuration"/> instead of piling onto a service
    /// that is down.
    /// </summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>See <see cref="CircuitBreakerFailureRatio"/>.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>See <see cref="CircuitBreakerFailureRatio"/>.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    internal void Validate()
    {
        if (BaseAddress is not { IsAbsoluteUri: true })
            throw new InvalidOperationException("NotificationServiceClientOptions.BaseAddress must be an absolute URI.");
        if (string.IsNullOrWhiteSpace(ApiKey)) throw new InvalidOperationException("NotificationServiceClientOptions.ApiKey is required.");
        if (MaxRetries is < 0 or > 10) throw new InvalidOperationException("NotificationServiceClientOptions.MaxRetries is 0 to 10.");
    }
}
