using System.Security.Cryptography;
using System.Text;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Sending.Topics;

namespace NotificationService.Features.Administration.ConfigAsCode;

/// <summary>
/// What a push may change, as the tenant has it now, and its revision: a hash of each object's identity and version (a
/// template or workflow version is never rewritten, so its number stands for its content), each fragment's and category's
/// content; not topics, which apps also create as they run (one per customer, say): counting them would refuse
/// every push after such a send. Read through the objects' own stores, so inside a push's transaction it sees that
/// transaction; any write by anyone else to these objects changes it, a push that changes nothing leaves it.
/// </summary>
public sealed class ConfigRevision(TemplateQueries templates, FragmentStore fragments, WorkflowStore workflows, CategoryStore categories,
    TopicStore topics)
{
    public sealed record State(Dictionary<(string Key, string Channel, string Locale), TemplateView> Templates,
        Dictionary<string, FragmentView> Layouts, Dictionary<string, FragmentView> Partials, Dictionary<string, WorkflowView> Workflows,
        Dictionary<string, Category> Categories, Dictionary<string, TopicView> Topics, string Revision);

    public async Task<State> ReadAsync(Guid tenantId, CancellationToken ct)
    {
        var t = new Dictionary<(string, string, string), TemplateView>();
        for (Guid? after = null; ;)
        {
            var page = await templates.ListAsync(tenantId, null, null, null, 100, after, ct);
            foreach (var v in page.Items) t[(v.Key, v.Channel, v.Locale)] = v;
            if (page.NextCursor is null) break;
            after = Guid.Parse(page.NextCursor);
        }
        var w = await ByKeyAsync(after => workflows.ListAsync(tenantId, after, 100, ct), v => v.Key);
        var topicList = await ByKeyAsync(after => topics.ListAsync(tenantId, after, 100, ct), v => v.Key);
        var layouts = (await fragments.ListAsync(tenantId, FragmentStore.Layout, ct)).ToDictionary(f => f.Name);
        var partials = (await fragments.ListAsync(tenantId, FragmentStore.Partial, ct)).ToDictionary(f => f.Name);
        var cats = (await categories.ListAsync(tenantId, ct)).ToDictionary(c => c.Key);

        var text = new StringBuilder();
        foreach (var v in t.Values.OrderBy(v => $"{v.Key}\n{v.Channel}\n{v.Locale}", StringComparer.Ordinal))
            text.Append($"template\n{v.Key}\n{v.Channel}\n{v.Locale}\n{v.LatestVersion}\n{v.PublishedVersion}\n{v.Description}\n");
        foreach (var (kind, list) in new[] { ("layout", layouts), ("partial", partials) })
            foreach (var f in list.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
                text.Append($"{kind}\n{f.Name}\n{f.Source.Length}:{f.Source}\n{f.Description}\n");
        foreach (var v in w.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
            text.Append($"workflow\n{v.Key}\n{v.LatestVersion}\n{v.PublishedVersion}\n");
        foreach (var c in cats.Values.OrderBy(c => c.Key, StringComparer.Ordinal))
            text.Append($"category\n{c.Key}\n{c.Name}\n{c.Description}\n{string.Join(',', c.Channels.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}" +
                $"\n{c.Required}\n{c.Commercial}\n{c.IsDefault}\n{c.QuietHours}\n");
        var revision = "r1-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
        return new State(t, layouts, partials, w, cats, topicList, revision);
    }

    /// <summary>Every page of a keyset list (100 a page, after the last key), by key.</summary>
    private static async Task<Dictionary<string, T>> ByKeyAsync<T>(Func<string?, Task<IReadOnlyList<T>>> page, Func<T, string> key)
    {
        var all = new Dictionary<string, T>();
        for (string? after = null; ;)
        {
            var items = await page(after);
            foreach (var item in items) all[key(item)] = item;
            if (items.Count < 100) return all;
            after = key(items[^1]);
        }
    }
}
