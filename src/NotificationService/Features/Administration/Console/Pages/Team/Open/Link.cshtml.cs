using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.Console.Pages.Team.Open;

/// <summary>
/// The break-glass sign-in link (`members sign-in-link`): opening it shows a button, and only the button's post uses the
/// link (a mail scanner or a link preview that fetches the page does not burn it). It signs in without password or
/// code, once, within 15 minutes; the CLI audited its making and the sign-in is audited with the method `link`.
/// </summary>
public sealed class LinkModel(MemberLinks links, MemberStore members, MemberSessions sessions) : PageModel
{
    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        await OpenAsync(token, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        if (await OpenAsync(token, ct) is not { } member) return Page();
        if (!await links.UseAsync(token, MemberLinks.SignIn, ct)) { await OpenAsync(token, ct); return Page(); }
        await sessions.StartSessionAsync(HttpContext, member.TenantId, member.Id, MemberSessions.Link, ct);
        return Redirect("/admin");
    }

    private async Task<Member?> OpenAsync(string token, CancellationToken ct)
    {
        var link = await links.FindAsync(token, MemberLinks.SignIn, ct);
        var member = link.State == LinkState.Valid ? await members.FindAsync(link.TenantId, link.MemberId, ct) : null;
        Refusal = link.State switch
        {
            LinkState.Used => "This sign-in link was already used. Make a new one with the CLI.",
            LinkState.Expired => "This sign-in link has expired (they last 15 minutes). Make a new one with the CLI.",
            LinkState.Revoked => "This sign-in link was replaced by a newer one.",
            LinkState.Unknown => "This sign-in link is not valid. Check that you copied all of it.",
            _ when member is not { Status: MemberStatuses.Active } => "This member is not active, so the link cannot sign them in.",
            _ => null,
        };
        if (Refusal is not null) Response.StatusCode = link.State == LinkState.Unknown ? 404 : 410;
        return Refusal is null ? member : null;
    }
}
