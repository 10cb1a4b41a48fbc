using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Administration.Console.Session;

namespace NotificationService.Features.Administration.Console.Pages;

public sealed class SignOutModel(ConsoleSessionStore sessions) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Request.Cookies[ConsoleSessionAuthenticationHandler.CookieName] is { } token) await sessions.DeleteAsync(token, ct);
        Response.Cookies.Delete(ConsoleSessionAuthenticationHandler.CookieName, new CookieOptions { Path = "/admin" });
        return LocalRedirect("/admin/sign-in");
    }
}
