using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Channels;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Sending.Providers;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>Create or edit a provider config with a form generated from its kind's own field list (<see cref="ProviderKinds.Specs"/>).
/// Secrets are write-only: blank keeps the stored one. Same <see cref="ProviderAdmin"/> validation as the API; audited.</summary>
public sealed class ProviderEditModel(ProviderAdmin admin, AuditLog audit) : ConsolePage
{
    public ProviderKindSpec Spec { get; private set; } = ProviderKinds.Find(ProviderKinds.Sandbox)!;
    public ProviderView? Existing { get; private set; }
    public List<string> Errors { get; } = [];
    private IFormCollection? _posted;

    public string? Value(string field) => _posted?[field].FirstOrDefault() ?? field switch
    {
        "name" => Existing?.Name, "channel" => Existing?.Channel, "priority" => Existing?.Priority.ToString(),
        "enabled" => Existing?.Enabled.ToString().ToLowerInvariant(), _ => null,
    };

    public string? Setting(string name) => _posted?[$"settings[{name}]"].FirstOrDefault() ?? Existing?.Settings[name]?.ToString();

    public async Task<IActionResult> OnGetAsync(Guid? id, string? kind, CancellationToken ct) =>
        await LoadAsync(id, kind, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid? id, string? kind, string? name, string? channel, int? priority, bool enabled,
        Dictionary<string, string> settings, Dictionary<string, string> secrets, CancellationToken ct)
    {
        if (!await LoadAsync(id, kind, ct)) return NotFound();
        _posted = Request.Form;
        var settingsJson = new JsonObject();
        foreach (var (k, v) in settings.Where(s => !string.IsNullOrWhiteSpace(s.Value) && Spec.Settings.Any(f => f.Name == s.Key)))
            settingsJson[k] = k == "port" && int.TryParse(v, out var port) ? port : v.Trim();
        var secretValues = secrets.Where(s => !string.IsNullOrEmpty(s.Value) && Spec.Secrets.Any(f => f.Name == s.Key))
            .ToDictionary(s => s.Key, s => (string?)s.Value);
        try
        {
            var before = Existing;
            var saved = Existing is null
                ? await admin.CreateAsync(TenantId,
                    new ProviderRequest(channel, Spec.Kind, name, priority, enabled, settingsJson, secretValues), ct)
                : await admin.UpdateAsync(TenantId, Existing.Id,
                    new ProviderRequest(null, null, name, priority, enabled, settingsJson, secretValues), ct);
            await audit.RecordAsync(Caller, before is null ? "provider.create" : "provider.update", "provider", saved.Id.ToString(),
                before, saved, ct);
            Flash = $"Provider {saved.Name} saved.";
            return RedirectToPage("/Providers");
        }
        catch (RequestValidationException e)
        {
            Errors.AddRange(e.Errors.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}")));
            return Page();
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, bool confirm, CancellationToken ct)
    {
        if (!await LoadAsync(id, null, ct)) return NotFound();   // another tenant's provider too
        if (!confirm)
        {
            Errors.Add("confirm: tick the box to confirm the delete.");
            return Page();
        }
        await admin.DeleteAsync(TenantId, id, ct);
        await audit.RecordAsync(Caller, "provider.delete", "provider", id.ToString(), Existing, null, ct);
        Flash = $"Provider {Existing!.Name} deleted.";
        return RedirectToPage("/Providers");
    }

    private async Task<bool> LoadAsync(Guid? id, string? kind, CancellationToken ct)
    {
        if (id is { } existing)
        {
            try { Existing = await admin.GetAsync(TenantId, existing, ct); }
            catch (NotFoundException) { return false; }
            kind = Existing.Kind;
        }
        if (ProviderKinds.Find(kind) is not { } spec) return false;
        Spec = spec;
        return true;
    }
}
