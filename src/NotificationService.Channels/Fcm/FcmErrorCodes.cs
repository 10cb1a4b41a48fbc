using NotificationService.Channels.Http;

namespace NotificationService.Channels.Fcm;

/// <summary>
/// FCM HTTP v1 error codes (the FcmError errorCode in error.details, else the google.rpc status) and how each is handled.
/// UNREGISTERED and SENDER_ID_MISMATCH also mark the device token dead.
/// </summary>
public static class FcmErrorCodes
{
    public static readonly IReadOnlyDictionary<string, OutcomeKind> Table = new Dictionary<string, OutcomeKind>(StringComparer.Ordinal)
    {
        ["UNAVAILABLE"] = OutcomeKind.Transient,
        ["INTERNAL"] = OutcomeKind.Transient,
        ["DEADLINE_EXCEEDED"] = OutcomeKind.Transient,
        ["QUOTA_EXCEEDED"] = OutcomeKind.Throttled,
        ["RESOURCE_EXHAUSTED"] = OutcomeKind.Throttled,
        ["INVALID_ARGUMENT"] = OutcomeKind.Permanent,
        ["UNREGISTERED"] = OutcomeKind.Permanent,
        ["SENDER_ID_MISMATCH"] = OutcomeKind.Permanent,
        ["NOT_FOUND"] = OutcomeKind.Permanent,
        ["THIRD_PARTY_AUTH_ERROR"] = OutcomeKind.ProviderFailure, // APNs certificate / web push key rejected
        ["UNAUTHENTICATED"] = OutcomeKind.ProviderFailure,
        ["PERMISSION_DENIED"] = OutcomeKind.ProviderFailure,
    };

    /// <summary>Error codes that mean the device token will never work again: deactivate it.</summary>
    public static readonly IReadOnlySet<string> DeadTokenCodes =
        new HashSet<string>(StringComparer.Ordinal) { "UNREGISTERED", "SENDER_ID_MISMATCH" };

    public static OutcomeKind? Classify(string? code) => code is not null && Table.TryGetValue(code, out var kind) ? kind : null;
}
