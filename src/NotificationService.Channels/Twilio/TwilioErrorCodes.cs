using NotificationService.Channels.Http;

namespace NotificationService.Channels.Twilio;

/// <summary>
/// Twilio error codes (https://www.twilio.com/docs/api/errors) and how each is handled. The 3000x codes arrive
/// asynchronously on status callbacks; they are here so the callback handler classifies them the same way.
/// Codes not in the table fall back to the HTTP status (429 throttled, 401/403 provider failure, 5xx transient, other 4xx permanent).
/// </summary>
public static class TwilioErrorCodes
{
    public static readonly IReadOnlyDictionary<int, OutcomeKind> Table = new Dictionary<int, OutcomeKind>
    {
        // transient
        [30001] = OutcomeKind.Transient,       // queue overflow
        [30008] = OutcomeKind.Transient,       // unknown error
        [20500] = OutcomeKind.Transient,       // internal server error
        [20503] = OutcomeKind.Transient,       // service unavailable
        // throttled
        [20429] = OutcomeKind.Throttled,       // too many requests
        [14107] = OutcomeKind.Throttled,       // SMS send rate limit exceeded
        // permanent
        [21211] = OutcomeKind.Permanent,       // invalid 'To' phone number
        [21408] = OutcomeKind.Permanent,       // permission to send to this region not enabled
        [21610] = OutcomeKind.Permanent,       // recipient unsubscribed (STOP)
        [21614] = OutcomeKind.Permanent,       // 'To' is not a mobile number
        [21617] = OutcomeKind.Permanent,       // body exceeds 1600 characters
        [63016] = OutcomeKind.Permanent,       // WhatsApp: outside the 24 h window, template required
        [30005] = OutcomeKind.Permanent,       // unknown destination handset
        [30006] = OutcomeKind.Permanent,       // landline or unreachable carrier
        [30007] = OutcomeKind.Permanent,       // carrier violation (filtered)
        // provider-level configuration errors: fail over
        [20003] = OutcomeKind.ProviderFailure, // authentication failed
        [20404] = OutcomeKind.ProviderFailure, // resource (account) not found
        [21212] = OutcomeKind.ProviderFailure, // invalid 'From' number
        [21606] = OutcomeKind.ProviderFailure, // 'From' is not a valid, SMS-capable number for this account
        [21659] = OutcomeKind.ProviderFailure, // 'From' is not a Twilio number
        [21703] = OutcomeKind.ProviderFailure, // messaging service has no phone numbers
    };

    public static OutcomeKind? Classify(int code) => Table.TryGetValue(code, out var kind) ? kind : null;
}
