using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.People.WebOrigins;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The tenant's allowed web origins (`/admin/web-origins`): the list the API's PUT replaces, checked by the same rules
/// (<see cref="WebOriginEndpoints.Checked"/>) and audited `web_origins.replace` as the API is.
/// </summary>
public sealed class WebOriginsModel(WebOriginStore store, AuditLog audit) : ConsolePage
{
    public string[] Origins { get; private set; } = [];
    /// <summary>The textarea: the stored list, or what was posted when it was refused.</summary>
    public string Text { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct)
    {
        Origins = await store.ListAsync(TenantId, ct);
        Text = string.Join('\n', Origins);
    }

    public async Task<IActionResult> OnPostAsync(string? origins, CancellationToken ct)
    {
        var lines = (origins ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var before = await store.ListAsync(TenantId, ct);
        try
        {
            var checkedOrigins = WebOriginEndpoints.Checked(lines);
            await store.ReplaceAsync(TenantId, checkedOrigins, ct);
            await audit.RecordAsync(Caller, "web_origins.replace", "web_origins", "web-origins",
                new WebOriginsView(before), new WebOriginsView(checkedOrigins), ct);
            Flash = checkedOrigins.Length == 0 ? "No origin is allowed now." : $"{checkedOrigins.Length} origin(s) allowed.";
            return RedirectToPage();
        }
        catch (RequestValidationException e)
        {
            // `origins[2]` means the third non-empty line: say so in the form's words
            foreach (var (field, messages) in e.Errors)
                FieldErrors[field] = [.. messages.Select(m => field.StartsWith("origins[")
                    ? $"line \"{lines[int.Parse(field[8..^1])]}\": {m}"
                    : m)];
        }
        Origins = before;
        Text = origins ?? "";
        return Page();
    }

    public IEnumerable<string> Problems() => FieldErrors.Values.SelectMany(m => m);
}
