using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.ApiKeyAdmin;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>List, create (the key shown once, on this response only) and revoke, through the same <see cref="ApiKeyMinting"/> as
/// the API.</summary>
public sealed class ApiKeysModel(TenantStore tenants, ApiKeyMinting minting) : ConsolePage
{
    public IReadOnlyList<ApiKeyAdminEndpoints.ApiKeyView> Keys { get; private set; } = [];
    public string? NewKey { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string[]? scopes, CancellationToken ct)
    {
        try
        {
            // Rendered directly rather than redirected: the key must not travel through TempData or a URL.
            NewKey = (await minting.CreateAsync(Caller, name, scopes, ct)).Key;
        }
        catch (RequestValidationException e) { Error = string.Join(" ", e.Errors.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}"))); }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        Flash = await minting.RevokeAsync(Caller, id, ct) ? "Key revoked." : "No such key.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Keys = (await tenants.ListServiceAccountsAsync(TenantId, ct)).Select(ApiKeyAdminEndpoints.View).ToList();
}
