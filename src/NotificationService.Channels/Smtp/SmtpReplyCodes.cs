using NotificationService.Channels.Http;

namespace NotificationService.Channels.Smtp;

/// <summary>
/// SMTP reply codes (RFC 5321 §4.2) and how a failed reply is handled: 4xx transient, 5xx permanent, except the
/// authentication and server-refusal codes that mean the provider config is broken (fail over).
/// </summary>
public static class SmtpReplyCodes
{
    public static readonly IReadOnlyDictionary<int, OutcomeKind> Table = new Dictionary<int, OutcomeKind>
    {
        [421] = OutcomeKind.Transient,       // service not available, closing channel
        [450] = OutcomeKind.Transient,       // mailbox unavailable (busy, greylisted)
        [451] = OutcomeKind.Transient,       // local error in processing
        [452] = OutcomeKind.Throttled,       // insufficient storage / too many recipients
        [454] = OutcomeKind.ProviderFailure, // TLS not available / temporary auth failure
        [530] = OutcomeKind.ProviderFailure, // authentication required
        [534] = OutcomeKind.ProviderFailure, // authentication mechanism too weak
        [535] = OutcomeKind.ProviderFailure, // authentication credentials invalid
        [538] = OutcomeKind.ProviderFailure, // encryption required for requested authentication mechanism
        [550] = OutcomeKind.Permanent,       // mailbox unavailable / rejected
        [551] = OutcomeKind.Permanent,       // user not local
        [552] = OutcomeKind.Permanent,       // exceeded storage allocation / message too big
        [553] = OutcomeKind.Permanent,       // mailbox name not allowed
        [554] = OutcomeKind.Permanent,       // transaction failed
    };

    public static OutcomeKind Classify(int code) =>
        Table.TryGetValue(code, out var kind) ? kind
        : code is >= 400 and < 500 ? OutcomeKind.Transient
        : OutcomeKind.Permanent;
}
