using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Infrastructure;
using PendingStep = NotificationService.Features.Administration.Members.PendingSignIn;

namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// The members' step of a single sign-on: the tenant's member with the verified email signs in (an invited one becomes
/// active: the provider has just proved the address the invitation went to); a person who is not a member joins with
/// the default role when just-in-time membership covers their domain; a disabled member or a stranger is refused.
/// Two rules bound what the provider alone may open (docs/console.md, docs/decisions/sign-in-reach.md): it reaches
/// members up to the role of whoever set it up (<see cref="RoleTable.SsoReaches"/>), and it replaces the password, never
/// the second factor: a member who has one, or must have one, goes on to the code (or enrolment) step as after a
/// password. The session is opened by the members' one call (<see cref="MemberSessions.StartSessionAsync"/>, method `sso`).
/// </summary>
public sealed class SsoMemberSignIn(MemberStore members, MemberSessions sessions, SecondFactorRule secondFactor, PendingStep pending)
    : ISsoMemberSignIn
{
    public async Task<IResult> SignInAsync(HttpContext http, SsoIdentity identity, SsoSettings settings, string returnUrl,
        CancellationToken ct)
    {
        var member = await members.FindByEmailAsync(identity.TenantId, identity.Email, ct);
        if (member is not null && !RoleTable.SsoReaches(settings.ConfiguredByRole, member.Role))
            throw new SsoSignInRefused(SsoRefusal.AboveWhoSetItUp, $"{member.Role} above {settings.ConfiguredByRole}");
        if (member is null && settings.JoinsJustInTime(identity.Email))
        {
            try { member = await members.CreateAsync(identity.TenantId, identity.Email, "", settings.DefaultRole!, ct); }
            catch (ConflictException)
            {
                member = await members.FindByEmailAsync(identity.TenantId, identity.Email, ct);   // a sign-in beside this one made it
            }
        }
        if (member is { Status: MemberStatuses.Invited })
            member = await members.ActivateAsync(identity.TenantId, member.Id, member.Name, ct) ?? member;
        if (member is null) throw new SsoSignInRefused(SsoRefusal.NotAMember);
        if (member.Status != MemberStatuses.Active) throw new SsoSignInRefused(SsoRefusal.MemberDisabled);
        if (!RoleTable.SsoReaches(settings.ConfiguredByRole, member.Role)) throw new SsoSignInRefused(SsoRefusal.AboveWhoSetItUp);

        if (member.HasTotp || await secondFactor.RequiredForAsync(member, ct))
        {
            var step = member.HasTotp ? PendingStep.Code : PendingStep.Enrol;
            pending.Set(http, new(member.TenantId, member.Id, step, MemberSessions.Sso));
            return Continue(step == PendingStep.Code
                ? $"/admin/sign-in?handler=code&returnUrl={Uri.EscapeDataString(returnUrl)}" : "/admin/enrol",
                "One more step: your second factor");
        }
        await sessions.StartSessionAsync(http, identity.TenantId, member.Id, MemberSessions.Sso, ct);
        return Continue(returnUrl);
    }

    /// <summary>A page that moves on by itself rather than a redirect (<see cref="SsoPages"/>): the session cookie is
    /// SameSite=Strict, and a browser does not send it on a redirect that is still part of the provider's navigation.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Continue(string returnUrl, string heading = "Signed in") =>
        SsoPages.MovingOn(returnUrl, heading, heading == "Signed in" ? "Continue to the console" : "Continue");
}
