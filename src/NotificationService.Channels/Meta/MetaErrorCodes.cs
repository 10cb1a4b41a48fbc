using NotificationService.Channels.Http;

namespace NotificationService.Channels.Meta;

/// <summary>
/// WhatsApp Cloud API error codes (error.code in the Graph error envelope) and how each is handled.
/// Codes not in the table fall back to the HTTP status.
/// </summary>
public static class MetaErrorCodes
{
    public static readonly IReadOnlyDictionary<int, OutcomeKind> Table = new Dictionary<int, OutcomeKind>
    {
        // transient
        [131000] = OutcomeKind.Transient,       // something went wrong
        [131001] = OutcomeKind.Transient,       // (legacy) temporary error
        [131002] = OutcomeKind.Transient,       // (legacy) temporary error
        [1] = OutcomeKind.Transient,            // API unknown
        [2] = OutcomeKind.Transient,            // API service temporarily unavailable
        [133004] = OutcomeKind.Transient,       // server temporarily unavailable
        // throttled
        [130429] = OutcomeKind.Throttled,       // rate limit hit (throughput)
        [80007] = OutcomeKind.Throttled,        // WABA rate limit
        [131056] = OutcomeKind.Throttled,       // pair rate limit (same sender/recipient)
        [4] = OutcomeKind.Throttled,            // app-level call rate limit
        [131048] = OutcomeKind.Throttled,       // spam rate limit
        // permanent
        [131026] = OutcomeKind.Permanent,       // message undeliverable (not a WhatsApp user, old client…)
        [131047] = OutcomeKind.Permanent,       // re-engagement: more than 24 h since last reply, template required
        [132000] = OutcomeKind.Permanent,       // template parameter count mismatch
        [132001] = OutcomeKind.Permanent,       // template does not exist
        [131008] = OutcomeKind.Permanent,       // required parameter missing
        [131009] = OutcomeKind.Permanent,       // parameter value invalid
        [131051] = OutcomeKind.Permanent,       // unsupported message type
        [100] = OutcomeKind.Permanent,          // invalid parameter
        // provider-level configuration errors: fail over
        [190] = OutcomeKind.ProviderFailure,    // access token expired or invalid
        [0] = OutcomeKind.ProviderFailure,      // AuthException
        [3] = OutcomeKind.ProviderFailure,      // capability missing
        [10] = OutcomeKind.ProviderFailure,     // permission denied
        [200] = OutcomeKind.ProviderFailure,    // permission denied
        [131031] = OutcomeKind.ProviderFailure, // business account locked
        [133010] = OutcomeKind.ProviderFailure, // phone number not registered
    };

    public static OutcomeKind? Classify(int code) => Table.TryGetValue(code, out var kind) ? kind : null;
}
