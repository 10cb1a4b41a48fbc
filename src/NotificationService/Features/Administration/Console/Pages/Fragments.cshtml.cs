using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Partials (`/admin/partials`) and email layouts (`/admin/layouts`): list, create, edit, delete through the API's
/// <see cref="FragmentStore"/> and <see cref="TemplateValidator.CheckFragmentAsync"/>, audited as the API does
/// (`partial.save`, `layout.delete`, …). A name the tenant does not have is a 404, whoever else has it.
/// </summary>
public sealed class FragmentsModel(FragmentStore store, TemplateValidator validator, AuditLog audit) : ConsolePage
{
    public string Kind { get; private set; } = FragmentStore.Partial;
    public string Plural => Kind == FragmentStore.Partial ? "partials" : "layouts";
    public IReadOnlyList<FragmentView> Items { get; private set; } = [];
    /// <summary>The one being edited; null on the "new" form.</summary>
    public FragmentView? Editing { get; private set; }
    public string? Name { get; private set; }
    public string? Description { get; private set; }
    public string? Source { get; private set; }

    public async Task<IActionResult> OnGetAsync(string kind, string? name, CancellationToken ct)
    {
        Kind = KindOf(kind);
        if (name is not null)
        {
            if ((Editing = await store.GetAsync(TenantId, Kind, name, ct)) is null) return NotFound();
            (Name, Description, Source) = (Editing.Name, Editing.Description, Editing.Source);
        }
        else Source = Kind == FragmentStore.Layout ? "<html><body>\n{{{body}}}\n</body></html>" : "";
        Items = await store.ListAsync(TenantId, Kind, ct);
        return Page();
    }

    /// <summary>Create (no <paramref name="existing"/>) or replace; creating a name the tenant already has is a form error, not an
    /// overwrite.</summary>
    public async Task<IActionResult> OnPostSaveAsync(string kind, string? existing, string? name, string? description, string? source,
        CancellationToken ct)
    {
        Kind = KindOf(kind);
        if (existing is not null && (Editing = await store.GetAsync(TenantId, Kind, existing, ct)) is null) return NotFound();
        (Name, Description, Source) = (Editing?.Name ?? name?.Trim(), string.IsNullOrWhiteSpace(description) ? null : description,
            source?.Replace("\r\n", "\n"));
        try
        {
            if (Editing is null && Name is not null && await store.GetAsync(TenantId, Kind, Name, ct) is not null)
                throw RequestValidationException.For("name", $"There is already a {Kind} named '{Name}': edit it instead.");
            var request = new FragmentRequest { Source = Source, Description = Description };
            await validator.CheckFragmentAsync(TenantId, Kind, Name ?? "", request, ct);
            var (saved, _) = await store.UpsertAsync(TenantId, Kind, Name!, Source!, Description, ct);
            await audit.RecordAsync(Caller, Kind + ".save", Kind, saved.Name, Editing, saved, ct);
            Flash = $"The {Kind} {saved.Name} is saved. Templates use it from their next saved version.";
            return RedirectToPage(new { kind, name = saved.Name });
        }
        catch (RequestValidationException e) { Refused(e); }
        Items = await store.ListAsync(TenantId, Kind, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string kind, string name, CancellationToken ct)
    {
        Kind = KindOf(kind);
        var before = await store.GetAsync(TenantId, Kind, name, ct);
        if (before is null || !await store.DeleteAsync(TenantId, Kind, name, ct)) return NotFound();
        await audit.RecordAsync(Caller, Kind + ".delete", Kind, name, before, null, ct);
        Flash = $"The {Kind} {name} is deleted. Saved template versions keep their own copy.";
        return RedirectToPage(new { kind, name = (string?)null });
    }

    private static string KindOf(string routeKind) => routeKind == "layouts" ? FragmentStore.Layout : FragmentStore.Partial;
}
