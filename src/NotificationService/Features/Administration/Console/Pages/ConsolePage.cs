using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>What every console page knows: the signed-in tenant (from the session, never from the form) and the role.</summary>
public abstract class ConsolePage : PageModel
{
    protected Guid TenantId => User.TenantId();
    protected bool IsOperator => User.HasClaim(ConsoleSessionAuthenticationHandler.OperatorClaim, "true");
    protected ClaimsPrincipal Caller => User;

    /// <summary>A viewer's pages mask recipients' addresses and hide message bodies (<see cref="Members.RoleTable"/>).</summary>
    public bool MasksPersonalData => Members.RoleTable.MasksPersonalData(Members.MemberClaims.RoleOf(User));

    /// <summary>An address (email, phone, device token) as this caller may see it: masked for viewers.</summary>
    public string? AddressShown(string? address) => MasksPersonalData && address is not null ? Members.RoleTable.Mask(address) : address;

    /// <summary>A recipient as this caller may see it.</summary>
    public string RecipientShown(string channel, NotificationService.Contracts.RecipientDto r) =>
        MasksPersonalData ? Members.RoleTable.Mask(RecipientText.For(channel, r)) : RecipientText.For(channel, r);

    /// <summary>
    /// A message shown once after a redirect (post/redirect/get). TempData is touched only where a page sets or shows
    /// the message, never by a script's request (the live preview, the queue and bulk polls): a request that loads
    /// TempData also saves it, and a poll sent before a form's post whose answer came after the post's redirect deleted
    /// the cookie the redirect had just set, so the page came back without its message.
    /// </summary>
    public string? Flash
    {
        get => TempData[nameof(Flash)] as string;
        set => TempData[nameof(Flash)] = value;
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
