using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Signing in: a member with their team's id, email and password, then the code from their authenticator app (or a
/// recovery code); owners and admins without a second factor enrol one first. An admin API key still opens a session
/// until key sign-in is retired.
/// </summary>
public sealed partial class SignInModel(ConsoleSignIn signIn, MemberSignIn members, MemberSessions sessions, MemberStore store, PendingSignIn pending) : PageModel
{
    public string? Error { get; private set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    /// <summary>The team (tenant id), from the link that brought the member here or typed in.</summary>
    [BindProperty(SupportsGet = true)] public string? Tenant { get; set; }
    public string? Email { get; private set; }
    /// <summary>"code" once the password was right and the member has a second factor.</summary>
    public string Step { get; private set; } = "password";
    public TimeSpan Lifetime => signIn.Lifetime;

    public Task OnGetAsync(CancellationToken ct) => LoadSsoAsync(ct);   // SignIn.Sso.cs

    public async Task<IActionResult> OnPostMemberAsync(string? email, string? password, CancellationToken ct)
    {
        Email = email;
        if (!Guid.TryParse(Tenant?.Trim(), out var tenantId))
        {
            Response.StatusCode = 400;
            Error = "Enter your team's id: it is in your invitation email and in the link your admin gave you.";
            return Page();
        }
        if (await PasswordsOffAsync(ct)) return Page();   // SignIn.Sso.cs: the tenant requires single sign-on
        var (outcome, member) = await members.PasswordAsync(Client, tenantId, email, password, ct);
        switch (outcome)
        {
            case PasswordOutcome.Throttled:
                Response.StatusCode = 429;
                Error = AccountThrottled;
                return Page();
            case PasswordOutcome.Refused:
                Response.StatusCode = 401;
                Error = MemberSignIn.Refusal;
                return Page();
            case PasswordOutcome.NeedsCode:
                pending.Set(HttpContext, new(tenantId, member!.Id, PendingSignIn.Code, MemberSessions.Password));
                Step = "code";
                return Page();
            case PasswordOutcome.NeedsEnrolment:
                pending.Set(HttpContext, new(tenantId, member!.Id, PendingSignIn.Enrol, MemberSessions.Password));
                return Redirect("/admin/enrol");
        }
        await sessions.StartSessionAsync(HttpContext, tenantId, member!.Id, MemberSessions.Password, ct);
        return LocalRedirect(LocalConsolePath(ReturnUrl));
    }

    /// <summary>What a throttled account is told, by the password step and the code step alike.</summary>
    private static string AccountThrottled => $"Too many failed sign-ins for this account. Try again in {SignInThrottle.Window.TotalMinutes:0} minutes.";

    public async Task<IActionResult> OnPostCodeAsync(string? code, CancellationToken ct)
    {
        Step = "code";
        if (pending.Get(HttpContext, PendingSignIn.Code) is not { } step || await store.FindAsync(step.TenantId, step.MemberId, ct) is not { Status: MemberStatuses.Active } member)
        {
            Step = "password";
            Response.StatusCode = 401;
            Error = "Your sign-in took too long or was interrupted. Start again with your email and password.";
            return Page();
        }
        if (!await members.CodeAsync(Client, member, code, ct))
        {
            Response.StatusCode = members.IsThrottled(Client, member) ? 429 : 401;
            Error = Response.StatusCode == 429 ? AccountThrottled
                : "That code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code.";
            return Page();
        }
        PendingSignIn.Clear(HttpContext);
        await sessions.StartSessionAsync(HttpContext, step.TenantId, member.Id, step.Method, ct);
        return LocalRedirect(LocalConsolePath(ReturnUrl));
    }

    public async Task<IActionResult> OnPostAsync(string? apiKey, CancellationToken ct)
    {
        // Decided before anything is written: a bad returnUrl (`/admin%09`, `//evil.example`) signs in to the overview
        // instead of failing after the session row exists.
        var target = LocalConsolePath(ReturnUrl);
        var (outcome, token) = await signIn.SignInAsync(Client, apiKey, ct);
        switch (outcome)
        {
            case SignInOutcome.Throttled:
                Response.StatusCode = 429;
                Error = $"Too many failed sign-ins with that key from your address. Try again in {SignInThrottle.Window.TotalMinutes:0} minutes.";
                return Page();
            case SignInOutcome.UnknownKey:
                Response.StatusCode = 401;
                Error = "That key is unknown, revoked or malformed.";
                return Page();
            case SignInOutcome.NotAdmin:
                Response.StatusCode = 403;
                Error = "That key lacks the admin scope; the console needs an admin key.";
                return Page();
        }
        Response.Cookies.Append(ConsoleSessionAuthenticationHandler.CookieName, token!, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = Request.IsHttps, Path = "/admin", MaxAge = signIn.Lifetime, IsEssential = true,
        });
        return LocalRedirect(target);
    }

    private string Client => HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Only a local console path (an open redirect would let a link bounce a fresh session elsewhere): what
    /// <c>Url.IsLocalUrl</c> accepts (no `//`, `/\`, control characters) and under /admin; anything else is the overview.</summary>
    private string LocalConsolePath(string? returnUrl) =>
        returnUrl is { } r && Url.IsLocalUrl(r) && r.StartsWith("/admin", StringComparison.Ordinal) && (r.Length == 6 || r[6] is '/' or '?' or '#')
            ? r : "/admin";
}
