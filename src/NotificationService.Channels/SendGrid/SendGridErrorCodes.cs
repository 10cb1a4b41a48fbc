using System.Net;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.SendGrid;

/// <summary>
/// SendGrid v3 Mail Send outcomes. SendGrid has no numeric error codes, only HTTP statuses:
/// 400 (bad request) and 413 (payload too large) are permanent, 401/403 are configuration errors (fail over),
/// 429 is throttled (honouring Retry-After, or X-RateLimit-Reset), 5xx and timeouts are transient.
/// </summary>
public static class SendGridErrorCodes
{
    public static readonly IReadOnlyDictionary<int, OutcomeKind> ByStatus = new Dictionary<int, OutcomeKind>
    {
        [400] = OutcomeKind.Permanent,
        [401] = OutcomeKind.ProviderFailure,
        [403] = OutcomeKind.ProviderFailure,
        [404] = OutcomeKind.ProviderFailure, // wrong base URL
        [405] = OutcomeKind.ProviderFailure,
        [413] = OutcomeKind.Permanent,
        [429] = OutcomeKind.Throttled,
        [500] = OutcomeKind.Transient,
        [502] = OutcomeKind.Transient,
        [503] = OutcomeKind.Transient,
        [504] = OutcomeKind.Transient,
    };

    public static OutcomeKind Classify(HttpStatusCode status) =>
        ByStatus.TryGetValue((int)status, out var kind) ? kind : ProviderHttp.ClassifyStatus(status);
}
