namespace NotificationService.Channels.Http;

/// <summary>How a provider error code is classified (the rows of each provider's error-code table).</summary>
public enum OutcomeKind
{
    /// <summary>May succeed later: retried with backoff.</summary>
    Transient,
    /// <summary>Rate limited: postponed without consuming an attempt.</summary>
    Throttled,
    /// <summary>Can never succeed for this message: not retried.</summary>
    Permanent,
    /// <summary>The provider configuration is broken (credentials, permissions): fail over.</summary>
    ProviderFailure,
}
