using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.Console.Pages.Team;

/// <summary>A member's own account: their console sessions (each browser they are signed in on), any of which they can end.</summary>
public sealed class AccountModel(ConsoleSessionStore sessions) : ConsolePage
{
    public IReadOnlyList<ConsoleSession> Sessions { get; private set; } = [];
    public string? Current => User.FindFirst(MemberClaims.SessionId)?.Value;
    public bool IsMember => User.MemberIdOf() is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (User.MemberIdOf() is { } me) Sessions = await sessions.ListForMemberAsync(TenantId, me, ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? id, CancellationToken ct)
    {
        if (User.MemberIdOf() is not { } me || id is null) return RedirectToPage();
        Flash = await sessions.RevokeForMemberAsync(TenantId, me, id, ct) ? "That session has ended." : "That session had already ended.";
        return id == Current ? Redirect("/admin/sign-in") : RedirectToPage();
    }
}
