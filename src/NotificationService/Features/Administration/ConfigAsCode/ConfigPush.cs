using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Sending.Topics;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.ConfigAsCode;

/// <summary>
/// Applies a tree to a tenant as one database transaction (<see cref="AmbientTransactions.AllOrNothing{T}"/>), through each
/// object's own validation and store, in the order objects use one another: layouts and partials, categories, topics,
/// templates, workflows. An object equal to the tenant's is not written (an untouched tree writes nothing, so no version
/// and no audit entry). With <c>publish</c>, a template the tree marks published is published through the publish guard,
/// and a refusal there, as any other, rolls back the whole push. A dry run does all of it and rolls it back.
/// The caches this process keeps of these objects are forgotten once the transaction has ended: a read inside it (a
/// workflow's check resolves its templates) may have cached what was then rolled back.
/// </summary>
public sealed class ConfigPush(ConfigRevision revision, TemplateValidator validator, TemplateCreation creation, TemplateCommands templates,
    PublishGuard guard, FragmentStore fragments, WorkflowValidation workflowValidation, WorkflowStore workflows, CategoryStore categories,
    TopicStore topics, TemplateResolver resolver, NpgsqlDataSource db)
{
    /// <summary>The second half of the (tenant, purpose) advisory lock key: outside the blocklist's slot range.</summary>
    private const int PushLock = 0x0C0F1600;

    public async Task<ConfigPushResult> PushAsync(Guid tenantId, ConfigPushRequest req, Func<IReadOnlyList<PushChange>, Task> audit,
        CancellationToken ct)
    {
        ConfigDocumentChecks.RequireEachObjectOnce(req);
        try { return await ApplyAsync(tenantId, req, audit, ct); }
        finally
        {
            resolver.Forget(tenantId);
            categories.Forget(tenantId);
            workflows.Forget(tenantId);
        }
    }

    private Task<ConfigPushResult> ApplyAsync(Guid tenantId, ConfigPushRequest req, Func<IReadOnlyList<PushChange>, Task> audit,
        CancellationToken ct) =>
        AmbientTransactions.AllOrNothing(async () =>
        {
            // One push of a tenant at a time: a second one waits here, then reads the revision the first committed and is
            // refused. Without it both read the same revision, pass the check and the later commit overwrites the earlier.
            await using (var wait = db.CreateCommand("select pg_advisory_xact_lock($1, $2)"))
            {
                wait.Parameters.AddWithValue(UserBlocklist.TenantLockKey(tenantId));
                wait.Parameters.AddWithValue(PushLock);
                await wait.ExecuteNonQueryAsync(ct);
            }
            var now = await revision.ReadAsync(tenantId, ct);
            if (!req.Force && req.Revision != now.Revision) throw new TenantChangedException(req.Revision, now.Revision);
            var changes = new List<PushChange>();
            await FragmentsAsync(tenantId, FragmentStore.Layout, "layouts", req.Layouts, now.Layouts, changes, ct);
            await FragmentsAsync(tenantId, FragmentStore.Partial, "partials", req.Partials, now.Partials, changes, ct);
            await CategoriesAsync(tenantId, req, now, changes, ct);
            await TopicsAsync(tenantId, req, now, changes, ct);
            await TemplatesAsync(tenantId, req, now, changes, ct);
            await WorkflowsAsync(tenantId, req, now, changes, ct);
            var apply = changes.Count > 0 && !req.DryRun;
            if (apply) await audit(changes);
            var after = changes.Count == 0 ? now.Revision : (await revision.ReadAsync(tenantId, ct)).Revision;
            return (new ConfigPushResult(changes, apply, req.DryRun ? now.Revision : after), apply);
        });

    private async Task FragmentsAsync(Guid tenantId, string kind, string field, List<PushedFragment>? pushed,
        Dictionary<string, FragmentView> have, List<PushChange> changes, CancellationToken ct)
    {
        await EachAsync(pushed, field, f => $"{kind} {f.Name}", async (f, name) =>
        {
            if (have.TryGetValue(f.Name ?? "", out var now) && now.Source == f.Source && now.Description == f.Description) return;
            var request = new FragmentRequest { Source = f.Source, Description = f.Description };
            // The fragment's route always has a name; a document may not, and "" fails the name's check as any bad name does.
            await validator.CheckFragmentAsync(tenantId, kind, f.Name ?? "", request, ct);
            await fragments.UpsertAsync(tenantId, kind, f.Name!, f.Source!, f.Description, ct);
            changes.Add(new(name, now is null ? "created" : "changed"));
        });
    }

    private async Task CategoriesAsync(Guid tenantId, ConfigPushRequest req, ConfigRevision.State now, List<PushChange> changes,
        CancellationToken ct)
    {
        await EachAsync(req.Categories, "categories", c => $"category {c.Key}", async (c, name) =>
        {
            if (!now.Categories.TryGetValue(c.Key ?? "", out var have))
            {
                await categories.CreateAsync(tenantId, c, ct);
                changes.Add(new(name, "created"));
                return;
            }
            var want = c with { Channels = c.Channels ?? [] };
            if (have.Name == want.Name && have.Description == want.Description && have.Required == (want.Required ?? false)
                && have.Commercial == (want.Commercial ?? false) && have.IsDefault == (want.IsDefault ?? false)
                && (want.QuietHours is null || have.QuietHours == want.QuietHours)
                && have.Channels.Count == want.Channels.Count
                && have.Channels.All(p => want.Channels.GetValueOrDefault(p.Key, !p.Value) == p.Value)) return;
            await categories.ReplaceAsync(tenantId, have.Key, c, ct);
            changes.Add(new(name, "changed"));
        });
    }

    private async Task TopicsAsync(Guid tenantId, ConfigPushRequest req, ConfigRevision.State now, List<PushChange> changes,
        CancellationToken ct)
    {
        await EachAsync(req.Topics, "topics", t => $"topic {t.Key}", async (t, name) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (!TopicRules.IsKey(t.Key)) errors["key"] = [TopicRules.KeyProblem];
            TopicRules.CheckDetails(t.Name, t.Description, errors);   // as the topic's route checks them: the database's check is a 500
            if (errors.Count > 0) throw new RequestValidationException(errors);
            if (now.Topics.TryGetValue(t.Key!, out var have) && have.Name == t.Name && have.Description == t.Description) return;
            await topics.UpsertAsync(tenantId, t.Key!, t.Name, t.Description, ct);
            changes.Add(new(name, have is null ? "created" : "changed"));
        });
    }

    private async Task TemplatesAsync(Guid tenantId, ConfigPushRequest req, ConfigRevision.State now, List<PushChange> changes,
        CancellationToken ct)
    {
        await EachAsync(req.Templates, "templates", t => $"template {t.Key} ({t.Channel}.{t.Locale})", async (t, name) =>
        {
            var request = new TemplateRequest { Key = t.Key, Channel = t.Channel, Locale = t.Locale, Description = t.Description,
                Parts = t.Parts, OptionalVariables = t.OptionalVariables ?? [], Layout = t.Layout };
            var locale = TemplateRules.NormalizeLocale(t.Locale) ?? t.Locale ?? "";
            if (!now.Templates.TryGetValue((t.Key ?? "", t.Channel ?? "", locale), out var have))
            {
                await creation.CreateAsync(tenantId, request, ct);   // a new template's first version is published, as through the API
                changes.Add(new(name, "created"));
                return;
            }
            var same = JsonNode.DeepEquals(have.Parts, t.Parts) && have.Layout == t.Layout && have.Description == t.Description
                && have.OptionalVariables.Order(StringComparer.Ordinal)
                    .SequenceEqual((t.OptionalVariables ?? []).Order(StringComparer.Ordinal));
            if (!same)
            {
                await templates.UpdateAsync(tenantId, have.Id, t.Description,
                    await validator.PrepareAsync(tenantId, have.Channel, request, ct), ct);
                changes.Add(new(name, "changed"));
            }
            if (req.Publish && t.Published && (!same || have.PublishedVersion != have.LatestVersion))
            {
                await guard.CheckAsync(tenantId, have.Id, null, confirmed: false, ct);
                await templates.PublishAsync(tenantId, have.Id, null, ct);
                changes.Add(new(name, "published"));
            }
        });
    }

    private async Task WorkflowsAsync(Guid tenantId, ConfigPushRequest req, ConfigRevision.State now, List<PushChange> changes,
        CancellationToken ct)
    {
        await EachAsync(req.Workflows, "workflows", w => $"workflow {w.Key}", async (w, name) =>
        {
            if (w.Definition is null) throw RequestValidationException.For("definition", "A workflow needs its definition.");
            var json = w.Definition.ToJsonString();
            var definition = await workflowValidation.RequireAsync(tenantId, json, ct);
            if (definition.Key != w.Key) throw RequestValidationException.For("definition.key", $"The definition's key must be '{w.Key}'.");
            var have = now.Workflows.GetValueOrDefault(w.Key!);
            var stored = have is null ? null : await workflows.VersionAsync(tenantId, w.Key!, null, publishedOnly: false, ct);
            var same = stored is not null && JsonNode.DeepEquals(JsonNode.Parse(stored.Json), w.Definition);
            if (have is null) { await workflows.CreateAsync(tenantId, definition, json, ct); changes.Add(new(name, "created")); }
            else if (!same) { await workflows.SaveVersionAsync(tenantId, definition, json, ct); changes.Add(new(name, "changed")); }
            if (req.Publish && w.Published && (!same || have!.PublishedVersion != have.LatestVersion))
            {
                await workflows.PublishAsync(tenantId, w.Key!, null, ct);
                changes.Add(new(name, "published"));
            }
        });
    }

    /// <summary>
    /// Applies each object of a list in order. A refusal names the object and, for a field, its place in the document
    /// (`templates[2].parts.html`).
    /// </summary>
    private static async Task EachAsync<T>(List<T>? items, string field, Func<T, string> nameOf, Func<T, string, Task> apply)
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var name = nameOf(items![i]);
            try { await apply(items[i], name); }
            catch (RequestValidationException e)
            {
                throw new RequestValidationException(
                    e.Errors.ToDictionary(p => $"{field}[{i}].{p.Key}", p => p.Value.Select(m => $"{name}: {m}").ToArray()),
                    e.Status, $"{name}: {e.Message}");
            }
            catch (ApiException e) { throw new PushRefusedException(name, e); }
        }
    }
}

/// <summary>409: the tenant changed since the tree's pull; the answer carries the tenant's revision now.</summary>
public sealed class TenantChangedException(string? pulled, string now) : ApiException(409, "The tenant changed since the pull",
    pulled is null ? "The document names no revision: pull first, or push with \"force\": true."
        : "Someone changed the tenant's configuration since the tree was pulled: pull again and reapply your change, " +
          "or push with \"force\": true.")
{
    public override void Extend(ProblemDetails problem) => problem.Extensions["revision"] = now;
}

/// <summary>Another refusal (a conflict, the publish guard) with the object it was about; its own members kept.</summary>
public sealed class PushRefusedException(string name, ApiException inner)
    : ApiException(inner.Status, inner.Title, $"{name}: {inner.Message}")
{
    public override void Extend(ProblemDetails problem)
    {
        inner.Extend(problem);
        problem.Extensions["object"] = name;
    }
}
