using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.People.Recipients;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

/// <summary>A template version with the partials and layout copied in when it was saved. Immutable, so it
/// is cached without expiry (bounded), and a notification pinned to it renders the same forever.</summary>
public sealed record TemplateVersion(Guid TenantId, Guid Id, string Channel, JsonObject Parts,
    IReadOnlyCollection<string> OptionalVariables, IReadOnlyDictionary<string, string>? Partials = null, string? Layout = null)
{
    /// <summary>What the engine renders, compiled for this version's tenant. The version id is the cache key: nothing under it
    /// ever changes.
    /// A `layout` string inside parts is the older inline form and still honoured.</summary>
    public TemplateDefinition Definition() => _definition ??= new(TenantId, Id.ToString(), ChannelParts.ToTemplateParts(Parts),
        Partials is { Count: > 0 } ? Partials : null, Layout ?? (Parts["layout"] is JsonValue l ? l.GetValue<string>() : null),
        OptionalVariables);

    // Built once per cached version: delivery renders it on every send.
    private TemplateDefinition? _definition;

    /// <summary>Whether any part, partial or layout may read `{{recipient.*}}`: delivery reads the recipient's profile for
    /// those (and for sends missing their address) only. Worked out once per cached version.</summary>
    public bool MentionsRecipient => _mentionsRecipient ??= RecipientVariables.Mentioned(Parts.ToJsonString())
        || Partials?.Values.Any(RecipientVariables.Mentioned) == true || RecipientVariables.Mentioned(Layout);

    private bool? _mentionsRecipient;
}

public sealed class TemplateVersionStore(NpgsqlDataSource db)
{
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<Guid, TemplateVersion> _cache = new();

    /// <summary>One version: from the cache without a round trip (versions never change), else read once.</summary>
    public ValueTask<TemplateVersion?> GetAsync(Guid id, CancellationToken ct) =>
        _cache.TryGetValue(id, out var v) ? ValueTask.FromResult<TemplateVersion?>(v) : ReadAsync(id, ct);

    private async ValueTask<TemplateVersion?> ReadAsync(Guid id, CancellationToken ct) =>
        (await GetManyAsync([id], ct)).GetValueOrDefault(id);

    public async Task<IReadOnlyDictionary<Guid, TemplateVersion>> GetManyAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var result = new Dictionary<Guid, TemplateVersion>();
        var missing = new List<Guid>();
        foreach (var id in ids.Distinct())
            if (_cache.TryGetValue(id, out var v)) result[id] = v; else missing.Add(id);
        if (missing.Count == 0) return result;

        await using var cmd = db.CreateCommand("""
            select v.id, t.channel, v.parts::text, v.optional_variables, v.partials::text, v.layout, t.tenant_id
            from template_versions v join templates t on t.id = v.template_id where v.id = any($1)
            """);
        cmd.Parameters.AddWithValue(missing.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var partials = JsonNode.Parse(r.GetString(4))!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
            var v = new TemplateVersion(r.GetGuid(6), r.GetGuid(0), r.GetString(1), JsonNode.Parse(r.GetString(2))!.AsObject(),
                r.GetFieldValue<string[]>(3), partials, r.IsDBNull(5) ? null : r.GetString(5));
            if (_cache.Count >= MaxCached) _cache.Clear();
            _cache[v.Id] = v;
            result[v.Id] = v;
        }
        return result;
    }
}
