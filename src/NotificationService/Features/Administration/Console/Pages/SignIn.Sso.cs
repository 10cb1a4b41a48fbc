using NotificationService.Contracts;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The sign-in page's single sign-on part: when the page knows the team (`?tenant=…`) and the team has an identity
/// provider, a button starts the sign-in there; when the team requires it, a password is refused (403) before it is
/// checked, except for members above the provider's reach (the role of whoever set it up: RoleTable.SsoReaches), who
/// keep their own password and code. After the provider, a member with a second factor comes back here for the code.
/// </summary>
public sealed partial class SignInModel
{
    public SsoSignInOption? Sso { get; private set; }

    /// <summary>Single sign-on is required, but does not reach owners: the password form is for them alone.</summary>
    public bool PasswordsOnlyAboveSso => Sso is { Required: true } s && s.ReachesUpTo != MemberRoles.Owner;

    private const string SsoOnly =
        "Your team signs in with single sign-on only: use the button to sign in with your organisation's identity provider.";

    private async Task LoadSsoAsync(CancellationToken ct)
    {
        if (Guid.TryParse(Tenant?.Trim(), out var tenantId)
            && HttpContext.RequestServices.GetService<ITenantSignInOptions>() is { } options)
            Sso = await options.SsoAsync(tenantId, ct);
    }

    private async Task<bool> PasswordsOffAsync(CancellationToken ct)
    {
        await LoadSsoAsync(ct);
        if (Sso is not { Required: true } || PasswordsOnlyAboveSso) return false;
        Response.StatusCode = 403;
        Error = SsoOnly;
        return true;
    }

    /// <summary>After a right password where single sign-on is required: only a member above its reach may go on.</summary>
    private bool PasswordRefusedForSsoMember(Member member)
    {
        if (Sso is not { Required: true } sso || !RoleTable.SsoReaches(sso.ReachesUpTo, member.Role)) return false;
        Response.StatusCode = 403;
        Error = SsoOnly;
        return true;
    }

    /// <summary>Back from the identity provider with a second factor to give: the code form, if the step is still open.</summary>
    public async Task<Microsoft.AspNetCore.Mvc.IActionResult> OnGetCodeAsync(CancellationToken ct)
    {
        if (await pending.GetAsync(HttpContext, PendingSignIn.Code, ct) is null) return StepGone();
        Step = "code";
        return Page();
    }
}
