using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Features.Tenancy.TenantSettings;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The team's own settings (`/admin/settings`): what `PUT /api/v1/admin/settings` changes, through the same store and
/// audited `settings.replace` with the same before and after. The form holds every setting, so a save sets each of them
/// (an unticked box is off), where the API changes only those a request names.
/// </summary>
public sealed class TeamSettingsModel(TenantStore store, AuditLog audit) : ConsolePage
{
    public TenantSettingsView Settings { get; private set; } = new(false, false);

    public async Task OnGetAsync(CancellationToken ct) => Settings = await TenantSettingsEndpoints.ViewAsync(store, TenantId, ct);

    public async Task<IActionResult> OnPostAsync(bool allowHttpLinks, bool requireTotp, CancellationToken ct)
    {
        var before = await TenantSettingsEndpoints.ViewAsync(store, TenantId, ct);
        var after = new TenantSettingsView(allowHttpLinks, requireTotp);
        if (after == before) { Flash = "Nothing changed."; return RedirectToPage(); }
        await store.SetSettingsAsync(TenantId, allowHttpLinks, requireTotp, ct);
        await audit.RecordAsync(Caller, "settings.replace", "settings", "settings", before, after, ct);
        Flash = "Settings saved.";
        return RedirectToPage();
    }
}
