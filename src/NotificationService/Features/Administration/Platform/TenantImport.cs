using System.Text.Json.Nodes;
using NotificationService.Channels.Outbound;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Sending.Topics;
using NotificationService.Features.Sending.Webhooks;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// A provider config or webhook endpoint imported without its secrets, which cannot send until an admin sets them:
/// <paramref name="Secrets"/> names what is missing, <paramref name="Then"/> says how.
/// </summary>
public sealed record AwaitingSecret(string Type, Guid Id, string Name, IReadOnlyList<string> Secrets, string Then);

public sealed record ImportResult(int Categories, int Layouts, int Partials, int Templates, int TemplateVersions, int Workflows,
    int Topics, int Providers, int Webhooks, IReadOnlyList<AwaitingSecret> AwaitingSecrets);

/// <summary>
/// An export's configuration into a tenant that has none of it yet (a fresh one, typically), through each feature's own
/// validation: categories, layouts and partials first (templates and workflows use them), then every template version in
/// order with the exported one published, every workflow version likewise, the topics (empty), then the providers and
/// webhook endpoints. Their secrets are never exported, so each arrives unable to send until an admin sets them: a
/// provider that had secrets is disabled (one that needs none, the sandbox, keeps its state), a webhook endpoint is
/// disabled until its secret is rotated; the answer lists each under `awaitingSecrets`. Every address goes through the
/// outbound guard, as on create. A document missing a field, or with a workflow, layout reference or webhook endpoint
/// that cannot be imported, is refused whole before anything is written (<see cref="ImportShape"/>,
/// <see cref="ImportPreflight"/>); a name the tenant already has is a 409 naming it, and what was imported before it stays.
/// </summary>
public sealed class TenantImport(CategoryStore categories, FragmentStore fragments, TemplateValidator templateValidator,
    TemplateCreation creation, TemplateCommands templates, WorkflowValidation workflowValidation, WorkflowStore workflows,
    TopicStore topics, ProviderAdmin providers, WebhookEndpointStore webhooks, OutboundGuard guard, IHostEnvironment env,
    ImportPreflight preflight)
{
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>What a document must be to be imported at all, checked before a job is accepted for it too.</summary>
    public static void CheckDocument(TenantExportDocument doc)
    {
        if (doc.Format != TenantExportDocument.CurrentFormat)
            throw Infrastructure.RequestValidationException.For("format",
                $"Not an export this service reads (expected {TenantExportDocument.CurrentFormat}).");
        ImportShape.Check(doc);   // a malformed document is a 400 naming each field, before anything is written
    }

    public async Task<ImportResult> ImportAsync(Guid tenantId, TenantExportDocument doc, CancellationToken ct)
    {
        CheckDocument(doc);
        await preflight.CheckAsync(tenantId, doc, ct);   // and what is known wrong before writing: refused whole too
        foreach (var c in doc.Categories ?? [])
            await categories.CreateAsync(tenantId, new CategoryRequest { Key = c.Key, Name = c.Name, Description = c.Description,
                Channels = c.Channels.ToDictionary(), Required = c.Required, Commercial = c.Commercial, IsDefault = c.IsDefault,
                QuietHours = c.QuietHours }, ct);
        foreach (var (kind, list) in new[] { ("layout", doc.Layouts), ("partial", doc.Partials) })
            foreach (var f in list ?? [])
            {
                var request = new FragmentRequest { Source = f.Source, Description = f.Description };
                await templateValidator.CheckFragmentAsync(tenantId, kind, f.Name, request, ct);
                await fragments.UpsertAsync(tenantId, kind, f.Name, f.Source, f.Description, ct);
            }

        var versions = 0;
        foreach (var t in doc.Templates ?? [])
        {
            var ordered = t.Versions.OrderBy(v => v.Version).ToList();
            if (ordered.Count == 0) continue;
            var id = await creation.CreateAsync(tenantId, Request(t, ordered[0]), ct);
            foreach (var v in ordered.Skip(1))
                await templates.UpdateAsync(tenantId, id, t.Description,
                    await templateValidator.PrepareAsync(tenantId, t.Channel, Request(t, v), ct), ct);
            // Versions are numbered from 1 here as there, so the published number means the same version.
            if (t.PublishedVersion is { } published) await templates.PublishAsync(tenantId, id, published, ct);
            versions += ordered.Count;
        }

        foreach (var w in doc.Workflows ?? [])
        {
            var ordered = w.Versions.Where(v => v.Definition is not null).OrderBy(v => v.Version).ToList();
            if (ordered.Count == 0) continue;
            for (var i = 0; i < ordered.Count; i++)
            {
                var json = ordered[i].Definition!.ToJsonString();
                var definition = await workflowValidation.RequireAsync(tenantId, json, ct);
                if (i == 0) await workflows.CreateAsync(tenantId, definition, json, ct);
                else await workflows.SaveVersionAsync(tenantId, definition, json, ct);
            }
            if (w.PublishedVersion is { } published) await workflows.PublishAsync(tenantId, w.Key, published, ct);
        }

        foreach (var topic in doc.Topics ?? []) await topics.UpsertAsync(tenantId, topic.Key, topic.Name, topic.Description, ct);

        var awaiting = new List<AwaitingSecret>();
        foreach (var p in doc.Providers ?? [])
        {
            var made = await providers.ImportAsync(tenantId, p, ct);
            if (p.Secrets is { Count: > 0 })
                awaiting.Add(new AwaitingSecret("provider", made.Id, made.Name, [.. p.Secrets.Keys],
                    $"PATCH /api/v1/admin/providers/{made.Id} with its secrets and \"enabled\": true"));
        }
        foreach (var w in doc.Webhooks ?? [])
        {
            if (w.Events is not { Length: > 0 })
                throw Infrastructure.RequestValidationException.For("webhooks.events", "An endpoint subscribes to at least one event.");
            var url = await WebhookEndpointRules.ValidateUrlAsync(w.Url, guard, env, ct);
            var made = await webhooks.ImportAsync(tenantId, url, WebhookEndpointRules.ValidateEvents(w.Events), w.Description, ct);
            awaiting.Add(new AwaitingSecret("webhook", made.Id, made.Url, ["signing secret"],
                $"POST /api/v1/admin/webhooks/{made.Id}/rotate-secret (its answer is the secret, shown once), then PATCH it with \"enabled\": true"));
        }

        return new ImportResult(doc.Categories?.Count ?? 0, doc.Layouts?.Count ?? 0, doc.Partials?.Count ?? 0, doc.Templates?.Count ?? 0,
            versions, doc.Workflows?.Count ?? 0, doc.Topics?.Count ?? 0, doc.Providers?.Count ?? 0, doc.Webhooks?.Count ?? 0, awaiting);
    }

    private static TemplateRequest Request(ExportedTemplate t, VersionView v) => new()
    {
        Key = t.Key, Channel = t.Channel, Locale = t.Locale, Description = t.Description, Parts = (JsonObject)v.Parts.DeepClone(),
        OptionalVariables = v.OptionalVariables, Layout = v.Layout,
    };
}
