using NotificationService.Channels.Http;

namespace NotificationService.Channels.Slack;

/// <summary>
/// Slack Web API `error` strings (a 200 with `"ok": false`) and how each is handled. The recipient's conversation being
/// wrong is permanent for the message; the token being wrong is the config's (fail over). Unknown codes are permanent:
/// Slack answers an unknown failure with a 5xx, which the HTTP status classifies.
/// </summary>
public static class SlackErrorCodes
{
    public static readonly IReadOnlyDictionary<string, OutcomeKind> Table = new Dictionary<string, OutcomeKind>
    {
        // the recipient's conversation
        ["channel_not_found"] = OutcomeKind.Permanent,
        ["not_in_channel"] = OutcomeKind.Permanent,
        ["is_archived"] = OutcomeKind.Permanent,
        ["user_not_found"] = OutcomeKind.Permanent,
        ["cannot_dm_bot"] = OutcomeKind.Permanent,
        ["restricted_action"] = OutcomeKind.Permanent,
        ["msg_too_long"] = OutcomeKind.Permanent,
        ["no_text"] = OutcomeKind.Permanent,
        ["invalid_blocks"] = OutcomeKind.Permanent,
        ["too_many_attachments"] = OutcomeKind.Permanent,
        // the config: token or workspace
        ["invalid_auth"] = OutcomeKind.ProviderFailure,
        ["not_authed"] = OutcomeKind.ProviderFailure,
        ["account_inactive"] = OutcomeKind.ProviderFailure,
        ["token_revoked"] = OutcomeKind.ProviderFailure,
        ["token_expired"] = OutcomeKind.ProviderFailure,
        ["missing_scope"] = OutcomeKind.ProviderFailure,
        ["not_allowed_token_type"] = OutcomeKind.ProviderFailure,
        ["team_access_not_granted"] = OutcomeKind.ProviderFailure,
        ["ekm_access_denied"] = OutcomeKind.ProviderFailure,
        // a wait
        ["ratelimited"] = OutcomeKind.Throttled,
        ["rate_limited"] = OutcomeKind.Throttled,
        ["message_limit_exceeded"] = OutcomeKind.Throttled,
        // Slack's side
        ["internal_error"] = OutcomeKind.Transient,
        ["fatal_error"] = OutcomeKind.Transient,
        ["service_unavailable"] = OutcomeKind.Transient,
        ["request_timeout"] = OutcomeKind.Transient,
    };

    public static OutcomeKind Classify(string? code) =>
        code is not null && Table.TryGetValue(code, out var kind) ? kind : OutcomeKind.Permanent;

    /// <summary>The incoming-webhook answers (plain text bodies): a removed or disabled hook is the config's.</summary>
    public static OutcomeKind ClassifyWebhook(int status, string body) => body.Trim() switch
    {
        "invalid_token" or "no_service" or "no_team" or "team_disabled" or "action_prohibited" or "no_active_hooks"
            => OutcomeKind.ProviderFailure,
        "channel_not_found" or "channel_is_archived" => OutcomeKind.ProviderFailure, // the hook's own channel: the config is stale
        "invalid_payload" or "no_text" or "posting_to_general_channel_denied" => OutcomeKind.Permanent,
        _ => ProviderHttp.ClassifyStatus((System.Net.HttpStatusCode)status),
    };
}
