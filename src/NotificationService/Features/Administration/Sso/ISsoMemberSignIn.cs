namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// The step after a verified identity, owned by the console's members: find the tenant's member by the verified email
/// (or, when <see cref="SsoSettings.JoinsJustInTime"/> says so, make one with the default role), open their console
/// session and answer with where the browser goes next. Refusing throws <see cref="SsoSignInRefused"/> with
/// <see cref="SsoRefusal.NotAMember"/>. Without a registered implementation every verified sign-in is refused that way.
/// </summary>
public interface ISsoMemberSignIn
{
    Task<IResult> SignInAsync(HttpContext http, SsoIdentity identity, SsoSettings settings, string returnUrl, CancellationToken ct);
}
