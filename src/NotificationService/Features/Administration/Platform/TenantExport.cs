using System.Text.Json.Nodes;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Sending.Topics;
using NotificationService.Features.Sending.Webhooks;

namespace NotificationService.Features.Administration.Platform;

public sealed record ExportedTemplate(string Key, string Channel, string Locale, string? Description, int? PublishedVersion,
    IReadOnlyList<VersionView> Versions);

public sealed record ExportedWorkflowVersion(int Version, bool Published, JsonNode? Definition);

public sealed record ExportedWorkflow(string Key, string Name, string? Category, int? PublishedVersion,
    IReadOnlyList<ExportedWorkflowVersion> Versions);

public sealed record ExportedTenant(Guid Id, string Name, string? Slug);

/// <summary>
/// A tenant's configuration as one JSON document: templates with every version, layouts, partials, workflows with every
/// version, categories, topics (no members: they are people), providers and webhook endpoints (settings, never secrets:
/// a provider lists its secrets' names masked, an endpoint none). No notification, profile or other person's data.
/// </summary>
public sealed record TenantExportDocument(string Format, DateTimeOffset ExportedAt, ExportedTenant Tenant,
    IReadOnlyList<ExportedTemplate> Templates, IReadOnlyList<FragmentView> Layouts, IReadOnlyList<FragmentView> Partials,
    IReadOnlyList<ExportedWorkflow> Workflows, IReadOnlyList<Category> Categories,
    IReadOnlyList<TopicView> Topics, IReadOnlyList<ProviderView> Providers, IReadOnlyList<WebhookEndpointView> Webhooks)
{
    public const string CurrentFormat = "notification-service/tenant-export@1";
}

/// <summary>Reads the export through each feature's own store, page by page, as the admin API does.</summary>
public sealed class TenantExport(TemplateQueries templates, FragmentStore fragments, WorkflowStore workflows, CategoryStore categories,
    TopicStore topics, ProviderAdmin providers, WebhookEndpointStore webhooks, TimeProvider clock)
{
    private const int Page = 100;

    public async Task<TenantExportDocument> ExportAsync(ExportedTenant tenant, CancellationToken ct)
    {
        var id = tenant.Id;
        return new TenantExportDocument(TenantExportDocument.CurrentFormat, clock.GetUtcNow(), tenant, await TemplatesAsync(id, ct),
            await fragments.ListAsync(id, "layout", ct), await fragments.ListAsync(id, "partial", ct), await WorkflowsAsync(id, ct),
            await categories.ListAsync(id, ct), await TopicsAsync(id, ct), await providers.ListAsync(id, ct),
            await webhooks.ListAsync(id, ct));
    }

    private async Task<List<ExportedTemplate>> TemplatesAsync(Guid tenantId, CancellationToken ct)
    {
        var all = new List<ExportedTemplate>();
        for (Guid? after = null; ;)
        {
            var page = await templates.ListAsync(tenantId, null, null, null, Page, after, ct);
            foreach (var t in page.Items)
                all.Add(new ExportedTemplate(t.Key, t.Channel, t.Locale, t.Description, t.PublishedVersion,
                    (await templates.VersionsAsync(tenantId, t.Id, ct) ?? []).OrderBy(v => v.Version).ToList()));
            if (page.NextCursor is null) return all;
            after = Guid.Parse(page.NextCursor);
        }
    }

    private async Task<List<ExportedWorkflow>> WorkflowsAsync(Guid tenantId, CancellationToken ct)
    {
        var all = new List<ExportedWorkflow>();
        for (string? after = null; ;)
        {
            var page = await workflows.ListAsync(tenantId, after, Page, ct);
            foreach (var w in page)
            {
                var versions = new List<ExportedWorkflowVersion>();
                foreach (var v in (await workflows.VersionsAsync(tenantId, w.Key, ct) ?? []).OrderBy(v => v.Version))
                {
                    var stored = await workflows.VersionAsync(tenantId, w.Key, v.Version, publishedOnly: false, ct);
                    versions.Add(new ExportedWorkflowVersion(v.Version, v.Published, stored is null ? null : JsonNode.Parse(stored.Json)));
                }
                all.Add(new ExportedWorkflow(w.Key, w.Name, w.Category, w.PublishedVersion, versions));
            }
            if (page.Count < Page) return all;
            after = page[^1].Key;
        }
    }

    private async Task<List<TopicView>> TopicsAsync(Guid tenantId, CancellationToken ct)
    {
        var all = new List<TopicView>();
        for (string? after = null; ;)
        {
            var page = await topics.ListAsync(tenantId, after, Page, ct);
            all.AddRange(page);
            if (page.Count < Page) return all;
            after = page[^1].Key;
        }
    }
}
