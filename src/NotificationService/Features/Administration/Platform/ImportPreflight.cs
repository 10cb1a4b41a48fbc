using NotificationService.Channels.Outbound;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// What can be known wrong about an import before anything of it is written, checked first so that such a document is
/// refused whole: each workflow version as its parser and schema read it, with the templates it sends being the ones the
/// document publishes or the tenant has; the layouts the template versions name (in the document or the tenant's); each
/// webhook endpoint's events and address (through the outbound guard). Each feature still checks its own on write.
/// </summary>
public sealed class ImportPreflight(TemplateResolver templates, FragmentStore fragments, OutboundGuard guard, IHostEnvironment env)
{
    public async Task CheckAsync(Guid tenantId, TenantExportDocument doc, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var workflowErrors = 0;
        var published = (doc.Templates ?? []).Where(t => t.PublishedVersion is not null).Select(t => (t.Channel, t.Key)).ToHashSet();
        for (var w = 0; w < (doc.Workflows?.Count ?? 0); w++)
            for (var v = 0; v < doc.Workflows![w].Versions.Count; v++)
                if (doc.Workflows[w].Versions[v].Definition is { } definition)
                    workflowErrors += await CheckWorkflowAsync(tenantId, definition.ToJsonString(), published,
                        $"workflows[{w}].versions[{v}].definition", errors, ct);

        var layouts = (doc.Layouts ?? []).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        for (var t = 0; t < (doc.Templates?.Count ?? 0); t++)
            for (var v = 0; v < doc.Templates![t].Versions.Count; v++)
                if (doc.Templates[t].Versions[v].Layout is { } layout && !layouts.Contains(layout)
                    && await fragments.GetAsync(tenantId, "layout", layout, ct) is null)
                    errors[$"templates[{t}].versions[{v}].layout"] = [$"No layout named '{layout}' in the document or the tenant."];

        for (var h = 0; h < (doc.Webhooks?.Count ?? 0); h++)
            try
            {
                if (doc.Webhooks![h].Events is not { Length: > 0 } events)
                    throw RequestValidationException.For("events", "An endpoint subscribes to at least one event.");
                WebhookEndpointRules.ValidateEvents(events);
                await WebhookEndpointRules.ValidateUrlAsync(doc.Webhooks[h].Url, guard, env, ct);
            }
            catch (RequestValidationException e)
            {
                foreach (var (field, messages) in e.Errors) errors[$"webhooks[{h}].{field}"] = messages;
            }
        // A workflow's problems are its 422, as on save; a missing layout or a bad endpoint the 400 of a bad field.
        if (errors.Count > 0)
            throw new RequestValidationException(errors, workflowErrors > 0 ? 422 : 400,
                "Nothing was imported: " + string.Join("; ", errors.Keys.Take(5)));
    }

    /// <returns>How many problems it found.</returns>
    private async Task<int> CheckWorkflowAsync(Guid tenantId, string json, HashSet<(string, string)> published, string path,
        Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var sends = new List<(string Channel, string Template)>();
        var parsed = WorkflowParser.Parse(json, (channel, template) => { sends.Add((channel, template)); return null; });
        var problems = parsed.Problems.Count > 0 ? parsed.Problems : WorkflowSchema.Validate(json);
        foreach (var p in problems) errors[path + p.Path.TrimStart('$')] = [p.Message];
        var found = problems.Count;
        foreach (var (channel, template) in sends.Distinct())
            if (!published.Contains((channel, template)) && await templates.ResolveAsync(tenantId, template, channel, null, ct) is null)
            {
                errors[path] = [$"No published {channel} template '{template}' in the document or the tenant."];
                found++;
            }
        return found;
    }
}
