using Microsoft.AspNetCore.Mvc;
using NotificationService.Channels;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.People.Preferences;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The tenant's notification categories (`/admin/categories`): list, create, edit, delete through the API's
/// <see cref="CategoryStore"/> (its validation, its cache invalidation), audited `category.create|update|delete` as the API
/// is. A key the tenant does not have is a 404.
/// </summary>
public sealed class CategoriesModel(CategoryStore store, AuditLog audit) : ConsolePage
{
    public IReadOnlyList<Category> Items { get; private set; } = [];
    /// <summary>The category being edited; null on the "new" form.</summary>
    public Category? Editing { get; private set; }
    /// <summary>What the form shows: the stored category, or what was posted when it was refused.</summary>
    public CategoryRequest Form { get; private set; } = new();
    public static IReadOnlyList<string> Channels => ChannelNames.All;

    public bool DefaultOn(string channel) => Form.Channels is not { } c || !c.TryGetValue(channel, out var on) || on;

    public async Task<IActionResult> OnGetAsync(string? key, CancellationToken ct)
    {
        if (key is not null)
        {
            try { Editing = await store.GetAsync(TenantId, key, ct); }
            catch (NotFoundException) { return NotFound(); }
            Form = RequestFrom(Editing);
        }
        Items = await store.ListAsync(TenantId, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string? existing, string? key, string? name, string? description, string[]? channelsOn,
        bool required, bool commercial, bool isDefault, string? quietHours, CancellationToken ct)
    {
        if (existing is not null)
        {
            try { Editing = await store.GetAsync(TenantId, existing, ct); }
            catch (NotFoundException) { return NotFound(); }   // another tenant's key, or one deleted meanwhile
        }
        var on = channelsOn ?? [];
        Form = new CategoryRequest
        {
            Key = Editing?.Key ?? key?.Trim(), Name = name, Description = string.IsNullOrWhiteSpace(description) ? null : description,
            Channels = Channels.ToDictionary(c => c, c => on.Contains(c)), Required = required, Commercial = commercial,
            IsDefault = isDefault, QuietHours = quietHours,
        };
        try
        {
            var saved = Editing is null
                ? await store.CreateAsync(TenantId, Form, ct)
                : await store.ReplaceAsync(TenantId, Editing.Key, Form, ct);
            await audit.RecordAsync(Caller, Editing is null ? "category.create" : "category.update", "category",
                saved.Key, Editing, saved, ct);
            Flash = $"Category {saved.Key} saved.";
            return RedirectToPage(new { key = saved.Key });
        }
        catch (RequestValidationException e) { Refused(e); }
        catch (ConflictException e) { FieldErrors["key"] = [e.Message]; }
        Items = await store.ListAsync(TenantId, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string key, CancellationToken ct)
    {
        Category before;
        try
        {
            before = await store.GetAsync(TenantId, key, ct);
            await store.DeleteAsync(TenantId, key, ct);
        }
        catch (NotFoundException) { return NotFound(); }
        await audit.RecordAsync(Caller, "category.delete", "category", key, before, null, ct);
        Flash = $"Category {key} deleted. Users' settings for it stay, unused.";
        return RedirectToPage(new { key = (string?)null });
    }

    private static CategoryRequest RequestFrom(Category c) => new()
    {
        Key = c.Key, Name = c.Name, Description = c.Description, Channels = Channels.ToDictionary(ch => ch, c.DefaultFor),
        Required = c.Required, Commercial = c.Commercial, IsDefault = c.IsDefault, QuietHours = c.QuietHours,
    };
}
