namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// The step after a verified identity, owned by the console's members: find the tenant's member by the verified email
/// (or, when <see cref="SsoSettings.JoinsJustInTime"/> says so, make one with the default role), open their console
/// session and answer with where the browser goes next. Refusing throws <see cref="SsoSignInRefused"/> with
/// <see cref="SsoRefusal.NotAMember"/>. The service's is <see cref="SsoMemberSignIn"/>; the flow depends only on this step.
/// </summary>
public interface ISsoMemberSignIn
{
    Task<IResult> SignInAsync(HttpContext http, SsoIdentity identity, SsoSettings settings, string returnUrl, CancellationToken ct);
}
