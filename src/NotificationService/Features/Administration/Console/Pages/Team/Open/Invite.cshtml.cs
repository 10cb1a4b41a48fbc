using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages.Team.Open;

/// <summary>
/// Accepting an invitation: the one-time link opens a form for a name and a password; the link is used only when the
/// form is accepted (a wrong password keeps it), then owners and admins enrol their second factor and others are signed in.
/// </summary>
public sealed class InviteModel(MemberLinks links, MemberStore members, MemberCredentials credentials, MemberSessions sessions,
    PendingSignIn pending, SecondFactorRule secondFactor) : PageModel
{
    public string? Refusal { get; private set; }
    public Member? Member { get; private set; }
    public Dictionary<string, string> FieldErrors { get; } = [];

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        await OpenAsync(token, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, string? name, string? password, CancellationToken ct)
    {
        if (!await OpenAsync(token, ct)) return Page();
        var member = Member!;
        try
        {
            name = MemberNames.Check(name);
            if (name.Length == 0) throw RequestValidationException.For("name", "Enter your name, as your team will see it.");
            PasswordPolicy.Check(password, member.Email);
        }
        catch (RequestValidationException e)
        {
            foreach (var (field, messages) in e.Errors) FieldErrors[field] = messages[0];
            Response.StatusCode = 400;
            return Page();
        }
        if (!await links.UseAsync(token, MemberLinks.Invite, ct))
        {
            await OpenAsync(token, ct);
            return Page();
        }   // raced: someone used it first
        await credentials.SetPasswordAsync(member, password!, ct);
        member = await members.ActivateAsync(member.TenantId, member.Id, name, ct) ?? member;
        if (await secondFactor.RequiredForAsync(member, ct))
        {
            pending.Set(HttpContext, new(member.TenantId, member.Id, PendingSignIn.Enrol, MemberSessions.Password));
            return Redirect("/admin/enrol");
        }
        await sessions.StartSessionAsync(HttpContext, member.TenantId, member.Id, MemberSessions.Password, ct);
        return Redirect("/admin");
    }

    /// <summary>Whether the link is open and its member still invited; otherwise <see cref="Refusal"/> says why.</summary>
    private async Task<bool> OpenAsync(string token, CancellationToken ct)
    {
        var link = await links.FindAsync(token, MemberLinks.Invite, ct);
        Member = link.State == LinkState.Valid ? await members.FindAsync(link.TenantId, link.MemberId, ct) : null;
        Refusal = link.State switch
        {
            LinkState.Used => "This invitation was already used. Sign in instead, or ask an admin of your team for a new invitation.",
            LinkState.Expired => "This invitation has expired (they last 7 days). Ask an admin of your team for a new one.",
            LinkState.Revoked => "This invitation was withdrawn. Ask an admin of your team if you think that is a mistake.",
            LinkState.Unknown => "This invitation link is not valid. Check that you copied all of it.",
            _ when Member is not { Status: MemberStatuses.Invited } =>
                "This invitation is no longer open. Sign in, or ask an admin of your team.",
            _ => null,
        };
        if (Refusal is not null) Response.StatusCode = link.State == LinkState.Unknown ? 404 : 410;
        return Refusal is null;
    }
}
