using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Auth;
using NotificationService.Features.Console.Session;

namespace NotificationService.Features.Console.Pages;

/// <summary>What every console page knows: the signed-in tenant (from the session, never from the form) and the role.</summary>
public abstract class ConsolePage : PageModel
{
    protected Guid TenantId => User.TenantId();
    protected bool IsOperator => User.HasClaim(ConsoleSessionAuthenticationHandler.OperatorClaim, "true");
    protected ClaimsPrincipal Caller => User;

    /// <summary>A message shown once after a redirect (post/redirect/get).</summary>
    [Microsoft.AspNetCore.Mvc.TempData] public string? Flash { get; set; }
}
