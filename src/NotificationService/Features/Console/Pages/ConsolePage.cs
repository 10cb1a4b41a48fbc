using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Auth;
using NotificationService.Features.Console.Session;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Console.Pages;

/// <summary>What every console page knows: the signed-in tenant (from the session, never from the form) and the role.</summary>
public abstract class ConsolePage : PageModel
{
    protected Guid TenantId => User.TenantId();
    protected bool IsOperator => User.HasClaim(ConsoleSessionAuthenticationHandler.OperatorClaim, "true");
    protected ClaimsPrincipal Caller => User;

    /// <summary>A message shown once after a redirect (post/redirect/get).</summary>
    [Microsoft.AspNetCore.Mvc.TempData] public string? Flash { get; set; }

    /// <summary>
    /// A script's request (the live preview, the queue and bulk polls) answers JSON and shows no flash, so it must not use
    /// it up: a preview posted while a save was redirecting read the save's message first, and the page came back without it.
    /// </summary>
    public override void OnPageHandlerExecuted(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutedContext context)
    {
        if (context.Result is Microsoft.AspNetCore.Mvc.JsonResult) TempData.Keep();
    }

    /// <summary>A refused form's problems by field (the API's ProblemDetails keys: `key`, `parts.body`, `source`, …),
    /// shown next to the field they name.</summary>
    public Dictionary<string, string[]> FieldErrors { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> ErrorsFor(string field) => FieldErrors.TryGetValue(field, out var m) ? m : [];

    /// <summary>Problems whose field the form does not show, for a list above it.</summary>
    public IEnumerable<string> ErrorsNotIn(params IEnumerable<string> shown) =>
        FieldErrors.Where(f => !shown.Contains(f.Key)).SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}"));

    protected void Refused(ApiException e)
    {
        if (e is RequestValidationException v) foreach (var (field, messages) in v.Errors) FieldErrors[field] = messages;
        else FieldErrors[""] = [e.Message];
    }
}
