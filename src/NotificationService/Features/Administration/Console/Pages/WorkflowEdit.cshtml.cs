using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Automation.Digests;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The workflow editor (`/admin/workflows/edit?key=…`; no key: a new one): the definition as JSON, checked by the API's
/// <see cref="WorkflowValidation"/> (every problem listed at its JSON path), saved as a draft version or saved and
/// published through <see cref="WorkflowStore"/>, audited as the API is, and drawn by <see cref="WorkflowPicture"/>. A
/// workflow with digest steps lists its open windows, closing first.
/// </summary>
public sealed partial class WorkflowEditModel(WorkflowStore store, WorkflowValidation validation, AuditLog audit, WorkflowTrigger trigger,
    DigestWindowViews windows, TemplateQueries templates, TemplateDraftPreview drafts) : ConsolePage
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public const string Skeleton = """
        {
          "key": "my-workflow",
          "name": "My workflow",
          "steps": [
            {"id": "wait", "type": "delay", "for": "PT30M"}
          ]
        }
        """;

    public WorkflowView? Existing { get; private set; }
    public IReadOnlyList<WorkflowVersionView> Versions { get; private set; } = [];
    public string Definition { get; private set; } = Skeleton;
    public WorkflowDefinition? Parsed { get; private set; }
    public IReadOnlyList<WorkflowProblem> Problems { get; private set; } = [];
    public string? Checked { get; private set; }
    /// <summary>The open digest windows (at most <see cref="DigestWindowViews.OpenListed"/>) and how many are open; null
    /// for a workflow without digest steps and none open.</summary>
    public (IReadOnlyList<OpenWindowView> Windows, long Open)? OpenWindows { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? key, int? from, int? to, CancellationToken ct)
    {
        if (key is null) return Page();
        if (!await LoadAsync(key, ct)) return NotFound();
        await ShowLatestAsync(key, ct);
        await LoadDiffAsync(key, from, to, ct);
        var open = await windows.OpenAsync(TenantId, Existing!.Id, ct);
        if (open.Open > 0 || Parsed?.HasDigestSteps == true) OpenWindows = open;
        return Page();
    }

    /// <summary>The latest version's definition in the editor and the picture.</summary>
    private async Task ShowLatestAsync(string key, CancellationToken ct)
    {
        var latest = await store.VersionAsync(TenantId, key, null, publishedOnly: false, ct);
        Definition = JsonNode.Parse(latest!.Json)!.ToJsonString(Indented);
        Parsed = latest.Definition;
    }

    public async Task<IActionResult> OnPostValidateAsync(string? existing, string? definition, CancellationToken ct)
    {
        if (existing is not null && !await LoadAsync(existing, ct)) return NotFound();
        if (await CheckAsync(definition, ct) is not null) Checked = "No problems: the definition is valid.";
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string? existing, string? definition, bool publish, CancellationToken ct)
    {
        if (existing is not null && !await LoadAsync(existing, ct)) return NotFound();   // another tenant's, or deleted meanwhile
        if (await CheckAsync(definition, ct) is not { } parsed) return Page();
        if (Existing is not null && parsed.Key != Existing.Key)
            return Refuse("$.key", $"The key must stay '{Existing.Key}': a key cannot change.");
        try
        {
            if (Existing is null) await store.CreateAsync(TenantId, parsed, Definition, ct);
            else await store.SaveVersionAsync(TenantId, parsed, Definition, ct);
        }
        catch (ConflictException e) { return Refuse("$.key", e.Message); }
        var saved = await store.GetAsync(TenantId, parsed.Key, ct);
        await audit.RecordAsync(Caller, Existing is null ? "workflow.create" : "workflow.update", "workflow", parsed.Key, null,
            new { version = saved!.LatestVersion }, ct);
        Flash = $"Saved as version {saved.LatestVersion} (draft).";
        if (publish)
        {
            await store.PublishAsync(TenantId, parsed.Key, saved.LatestVersion, ct);
            await audit.RecordAsync(Caller, "workflow.publish", "workflow", parsed.Key, null, new { version = saved.LatestVersion }, ct);
            Flash = $"Version {saved.LatestVersion} is published: new runs use it, runs already started keep theirs.";
        }
        return RedirectToPage(new { key = parsed.Key });
    }

    private async Task<bool> LoadAsync(string key, CancellationToken ct)
    {
        Existing = await store.GetAsync(TenantId, key, ct);
        if (Existing is null) return false;
        Versions = await store.VersionsAsync(TenantId, key, ct) ?? [];
        return true;
    }

    /// <summary>The posted definition checked as the API checks it; null with <see cref="Problems"/> set when refused.</summary>
    private async Task<WorkflowDefinition?> CheckAsync(string? definition, CancellationToken ct)
    {
        Definition = definition ?? "";
        if (System.Text.Encoding.UTF8.GetByteCount(Definition) > WorkflowValidation.MaxDefinitionBytes)
        {
            Problems = [new WorkflowProblem("$", $"At most {WorkflowValidation.MaxDefinitionBytes / 1024} KB.")];
            return null;
        }
        var (parsed, problems) = await validation.CheckAsync(TenantId, Definition, ct);
        Problems = problems;
        Parsed = parsed;
        return parsed;
    }

    private IActionResult Refuse(string path, string message)
    {
        Problems = [new WorkflowProblem(path, message)];
        Parsed = null;
        return Page();
    }
}
