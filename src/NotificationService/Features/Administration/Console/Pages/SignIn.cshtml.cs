using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Administration.Console.Session;

namespace NotificationService.Features.Administration.Console.Pages;

public sealed class SignInModel(ConsoleSignIn signIn) : PageModel
{
    public string? Error { get; private set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public TimeSpan Lifetime => signIn.Lifetime;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(string? apiKey, CancellationToken ct)
    {
        // Decided before anything is written: a bad returnUrl (`/admin%09`, `//evil.example`) signs in to the overview
        // instead of failing after the session row exists.
        var target = LocalConsolePath(ReturnUrl);
        var client = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var (outcome, token) = await signIn.SignInAsync(client, apiKey, ct);
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

    /// <summary>Only a local console path (an open redirect would let a link bounce a fresh session elsewhere): what
    /// <c>Url.IsLocalUrl</c> accepts (no `//`, `/\`, control characters) and under /admin; anything else is the overview.</summary>
    private string LocalConsolePath(string? returnUrl) =>
        returnUrl is { } r && Url.IsLocalUrl(r) && r.StartsWith("/admin", StringComparison.Ordinal) && (r.Length == 6 || r[6] is '/' or '?' or '#')
            ? r : "/admin";
}
