using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.Console.Pages.Team;

/// <summary>A member's own account: their console sessions (each browser they are signed in on, each admin API token they
/// made), any of which they can end, and a new admin API token, shown once on this response only.</summary>
public sealed class AccountModel(ConsoleSessionStore sessions, MemberApiTokens tokens) : ConsolePage
{
    public string? NewToken { get; private set; }
    public DateTimeOffset? NewTokenExpiresAt { get; private set; }
    public int TokenMinutes => (int)tokens.Lifetime.TotalMinutes;
    public IReadOnlyList<ConsoleSession> Sessions { get; private set; } = [];
    public string? Current => User.FindFirst(MemberClaims.SessionId)?.Value;
    public bool IsMember => User.MemberIdOf() is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (User.MemberIdOf() is { } me) Sessions = await sessions.ListForMemberAsync(TenantId, me, ct);
    }

    /// <summary>Rendered directly rather than redirected: the token must not travel through TempData or a URL.</summary>
    public async Task<IActionResult> OnPostTokenAsync(CancellationToken ct)
    {
        if (User.MemberIdOf() is null) return RedirectToPage();
        (NewToken, NewTokenExpiresAt) = await tokens.CreateAsync(User, ct);
        await OnGetAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? id, CancellationToken ct)
    {
        if (User.MemberIdOf() is not { } me || id is null) return RedirectToPage();
        Flash = await sessions.RevokeForMemberAsync(TenantId, me, id, ct) ? "That session has ended." : "That session had already ended.";
        return id == Current ? Redirect("/admin/sign-in") : RedirectToPage();
    }
}
