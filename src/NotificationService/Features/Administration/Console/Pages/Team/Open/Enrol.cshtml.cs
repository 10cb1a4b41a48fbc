using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.Console.Pages.Team.Open;

/// <summary>
/// Enrolling the second factor, between a right password (or an accepted invitation) and the first session: scan the
/// QR code (or type the secret), confirm with a code, note the recovery codes shown this once, continue signed in.
/// </summary>
public sealed class EnrolModel(PendingSignIn pending, MemberStore members, MemberCredentials credentials, MemberSessions sessions)
    : PageModel
{
    public string? Error { get; private set; }
    public string? Secret { get; private set; }
    public string? QrCode { get; private set; }
    public string[]? RecoveryCodes { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await PendingMemberAsync(ct) is not { } member) return Expired();
        Secret = await credentials.BeginTotpAsync(member, ct);
        QrCode = TotpQrCode.DataUrlOf(TotpQrCode.UriOf(member.Email, Secret));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code, CancellationToken ct)
    {
        if (await PendingMemberAsync(ct) is not { } member) return Expired();
        if (!await credentials.CheckTotpAsync(member, code, pending: true, ct))
        {
            Response.StatusCode = 400;
            Error = "That code is not right. Scan the QR code again (or type the key below) and enter the 6-digit code your app shows now.";
            Secret = await credentials.BeginTotpAsync(member, ct);   // a fresh secret: the one shown before is never shown twice
            QrCode = TotpQrCode.DataUrlOf(TotpQrCode.UriOf(member.Email, Secret));
            return Page();
        }
        var step = (await pending.GetAsync(HttpContext, PendingSignIn.Enrol, ct))!;
        if (!await pending.TakeAsync(step, ct)) return Expired();   // a replay beside this one took the step first
        RecoveryCodes = await credentials.NewRecoveryCodesAsync(member, ct);
        PendingSignIn.Clear(HttpContext);
        await sessions.StartSessionAsync(HttpContext, member.TenantId, member.Id, step.Method, ct);
        return Page();
    }

    /// <summary>The member whose enrolment step the browser holds: live, unused, and without a second factor yet (a
    /// member who has one signs in with it; enrolling again would replace the one their own app holds).</summary>
    private async Task<Member?> PendingMemberAsync(CancellationToken ct) =>
        await pending.GetAsync(HttpContext, PendingSignIn.Enrol, ct) is { } step
        && await members.FindAsync(step.TenantId, step.MemberId, ct) is { Status: MemberStatuses.Active, HasTotp: false } m
            ? m : null;

    private IActionResult Expired()
    {
        Response.StatusCode = 401;
        Error = "Enrolment starts after your password: sign in again (the step lasts ten minutes).";
        return Page();
    }
}
