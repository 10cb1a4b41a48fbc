using NotificationService.Contracts;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The sign-in page's single sign-on part: when the page knows the team (`?tenant=…`) and the team has an identity
/// provider, a button starts the sign-in there; when the team requires it, the password form is not shown and a
/// password sent anyway is refused (403) before it is checked.
/// </summary>
public sealed partial class SignInModel
{
    public SsoSignInOption? Sso { get; private set; }

    private async Task LoadSsoAsync(CancellationToken ct)
    {
        if (Guid.TryParse(Tenant?.Trim(), out var tenantId) && HttpContext.RequestServices.GetService<ITenantSignInOptions>() is { } options)
            Sso = await options.SsoAsync(tenantId, ct);
    }

    private async Task<bool> PasswordsOffAsync(CancellationToken ct)
    {
        await LoadSsoAsync(ct);
        if (Sso is not { Required: true }) return false;
        Response.StatusCode = 403;
        Error = "Your team signs in with single sign-on only: use the button to sign in with your organisation's identity provider.";
        return true;
    }
}
