using Microsoft.AspNetCore.Mvc;
using NotificationService.Channels;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Sending.Providers;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages.Team;

/// <summary>The team: who may use the console and as what. Owners and admins invite, change and remove members here.</summary>
public sealed class MembersModel(MemberStore members, MemberAdmin admin, IConfiguration config, ProviderDirectory providers) : ConsolePage
{
    public IReadOnlyList<Member> Members { get; private set; } = [];
    public CreatedInvitation? Invited { get; private set; }
    /// <summary>The invitation went to the sandbox (the tenant's first email provider), which records it and emails nobody.</summary>
    public bool InvitedToSandbox { get; private set; }
    public string CallerRole => User.RoleOf();

    public async Task OnGetAsync(CancellationToken ct) => Members = await members.ListAsync(TenantId, ct);

    public async Task<IActionResult> OnPostInviteAsync(string? email, string? role, CancellationToken ct)
    {
        try
        {
            Invited = await admin.InviteAsync(Caller, email, role, MembersEndpoints.BaseUrl(HttpContext, config), ct);
            InvitedToSandbox = Invited.Emailed
                && (await providers.ForChannelAsync(TenantId, ChannelNames.Email, ct)) is [{ Kind: "sandbox" }, ..];
        }
        catch (ApiException e) { Refused(e); Response.StatusCode = e.Status; }
        Members = await members.ListAsync(TenantId, ct);
        return Page();   // the link is shown on this answer only, never after a redirect
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, string? role, string? status, CancellationToken ct)
    {
        try
        {
            var view = await admin.UpdateAsync(Caller, id, role, status, ct);
            Flash = view is null ? "That member is gone." : $"{view.Email} is now {view.Role}, {view.Status}.";
        }
        catch (ApiException e) { Flash = e.Message; }
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct)
    {
        try { Flash = await admin.RemoveAsync(Caller, id, ct) ? "Removed. Their sessions ended." : "That member is gone."; }
        catch (ApiException e) { Flash = e.Message; }
        return RedirectToPage();
    }
}
