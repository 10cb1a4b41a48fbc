using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// The members' step of a single sign-on: the tenant's member with the verified email signs in (an invited one becomes
/// active: the provider has just proved the address the invitation went to); a person who is not a member joins with
/// the default role when just-in-time membership covers their domain; a disabled member or a stranger is refused. The
/// session is opened by the members' one call (<see cref="MemberSessions.StartSessionAsync"/>, method `sso`, audited).
/// </summary>
public sealed class SsoMemberSignIn(MemberStore members, MemberSessions sessions) : ISsoMemberSignIn
{
    public async Task<IResult> SignInAsync(HttpContext http, SsoIdentity identity, SsoSettings settings, string returnUrl, CancellationToken ct)
    {
        var member = await members.FindByEmailAsync(identity.TenantId, identity.Email, ct);
        if (member is null && settings.JoinsJustInTime(identity.Email))
        {
            try { member = await members.CreateAsync(identity.TenantId, identity.Email, "", settings.DefaultRole!, ct); }
            catch (ConflictException) { member = await members.FindByEmailAsync(identity.TenantId, identity.Email, ct); }   // a sign-in beside this one made it
        }
        if (member is { Status: MemberStatuses.Invited }) member = await members.ActivateAsync(identity.TenantId, member.Id, member.Name, ct) ?? member;
        if (member is null) throw new SsoSignInRefused(SsoRefusal.NotAMember);
        if (member.Status != MemberStatuses.Active) throw new SsoSignInRefused(SsoRefusal.MemberDisabled);

        await sessions.StartSessionAsync(http, identity.TenantId, member.Id, MemberSessions.Sso, ct);
        return Continue(returnUrl);
    }

    /// <summary>
    /// A page that moves on by itself rather than a redirect: the session cookie is SameSite=Strict, and a browser does not
    /// send it on a redirect that is still part of the navigation the provider (another site) started; a navigation this
    /// page starts is same-site.
    /// </summary>
    private static ContentHttpResult Continue(string returnUrl)
    {
        var target = WebUtility.HtmlEncode(returnUrl);
        return TypedResults.Content($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}"><title>Signed in · NotificationService admin</title>
            <link rel="icon" href="data:,"><link rel="stylesheet" href="/admin/console.css"></head>
            <body><main><h1>Signed in</h1><p id="sso-continue"><a href="{target}">Continue to the console</a></p></main></body></html>
            """, "text/html; charset=utf-8");
    }
}
