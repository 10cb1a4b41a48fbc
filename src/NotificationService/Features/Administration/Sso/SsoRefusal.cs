namespace NotificationService.Features.Administration.Sso;

/// <summary>Every way a single sign-on can be refused; each has one message a person can act on
/// (<see cref="SsoRefusals"/>). A provider that cannot be reached or answers nonsense is a 409 (the tenant's configuration
/// conflicts with the world), never a 5xx.</summary>
public enum SsoRefusal
{
    NoTenant, DomainUnknown, NotConfigured, ProviderUnavailable, ProviderUnreachable, ProviderAnswer, ProviderError, StateMismatch,
    CodeRefused, WrongIssuer, WrongAudience, Expired, BadSignature, NonceMismatch, TokenInvalid, NoEmail, EmailNotVerified,
    DomainNotAllowed, NotAMember, MemberDisabled,
    AboveWhoSetItUp, ClientRefused,
}

/// <summary>A refused sign-in: <see cref="Detail"/> is for the log (never a token or secret), the message for the person.</summary>
public sealed class SsoSignInRefused(SsoRefusal reason, string? detail = null) : Exception($"{reason}: {detail}")
{
    public SsoRefusal Reason { get; } = reason;
    public string? Detail { get; } = detail;
}

public static class SsoRefusals
{
    public static (int Status, string Message) Of(SsoRefusal reason) => reason switch
    {
        SsoRefusal.NoTenant => (400, "Single sign-on needs your work email address (or your organisation's tenant id) to find "
            + "your organisation's identity provider."),
        SsoRefusal.DomainUnknown => (404, "No single organisation signs in with single sign-on for your email's domain. "
            + "Sign in with your password, or use your organisation's own sign-in link (it names the organisation)."),
        SsoRefusal.NotConfigured => (404, "Single sign-on is not set up for this organisation. "
            + "Sign in with your password, or ask an admin to set it up."),
        SsoRefusal.ProviderUnavailable => (409, "Your organisation's identity provider could not be reached or is misconfigured. "
            + "Try again later or ask an admin to check the single sign-on settings."),
        SsoRefusal.ProviderUnreachable => (409, "Your organisation's identity provider could not be reached to finish the sign-in. "
            + "Try again."),
        SsoRefusal.ProviderAnswer => (409, "Your organisation's identity provider gave an answer that could not be used. "
            + "Ask an admin to check the single sign-on settings."),
        SsoRefusal.ClientRefused => (409, "Your organisation's identity provider refused this console's client id or secret. "
            + "Ask an admin to check the client id and secret in the single sign-on settings."),
        SsoRefusal.ProviderError => (403, "Your organisation's identity provider did not sign you in (it answered with an error). "
            + "Start again."),
        SsoRefusal.StateMismatch => (400, "This sign-in could not be matched to one started in this browser "
            + "(it was changed, used already, or expired). Start the sign-in again."),
        SsoRefusal.CodeRefused => (400, "The identity provider refused the sign-in code: it was used already or has expired. "
            + "Start the sign-in again."),
        SsoRefusal.WrongIssuer => (403, "The identity token was not issued by your organisation's configured identity provider."),
        SsoRefusal.WrongAudience => (403, "The identity token was issued for another application "
            + "(its audience is not this console's client id)."),
        SsoRefusal.Expired => (403, "The identity token has expired. Start the sign-in again; if this keeps happening, "
            + "check the clocks of the provider and this service."),
        SsoRefusal.BadSignature => (403, "The identity token's signature does not match any of the provider's published keys."),
        SsoRefusal.NonceMismatch => (403, "The identity token does not belong to the sign-in started in this browser (nonce)."),
        SsoRefusal.TokenInvalid => (403, "The identity token is not valid for this console."),
        SsoRefusal.NoEmail => (403, "Your identity provider did not share your email address, which the console signs you in by."),
        SsoRefusal.EmailNotVerified => (403, "Your identity provider has not verified your email address, so it cannot sign you in "
            + "to the console. Verify it at the provider first."),
        SsoRefusal.DomainNotAllowed => (403, "Your email address's domain is not one this organisation allows to sign in "
            + "with single sign-on."),
        SsoRefusal.NotAMember => (403, "You are not a member of this organisation's console. Ask an admin to invite you."),
        SsoRefusal.MemberDisabled => (403, "Your membership of this team is disabled. Ask an owner or admin of your team."),
        SsoRefusal.AboveWhoSetItUp => (403, "Your role is above the role of whoever set up single sign-on for this team, "
            + "so the identity provider cannot sign you in. Sign in with your own password and code "
            + "(an owner can save the single sign-on settings to let it sign owners in)."),
        _ => (400, "The sign-in was refused."),
    };
}
