using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Features.Templates;

/// <summary>A published template version. Immutable, so it is cached without expiry (bounded).</summary>
public sealed record TemplateVersion(Guid Id, string Channel, JsonObject Parts, IReadOnlyCollection<string> OptionalVariables);

public sealed class TemplateVersionStore(NpgsqlDataSource db)
{
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<Guid, TemplateVersion> _cache = new();

    public async Task<IReadOnlyDictionary<Guid, TemplateVersion>> GetManyAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var result = new Dictionary<Guid, TemplateVersion>();
        var missing = new List<Guid>();
        foreach (var id in ids.Distinct())
            if (_cache.TryGetValue(id, out var v)) result[id] = v; else missing.Add(id);
        if (missing.Count == 0) return result;

        await using var cmd = db.CreateCommand("""
            select v.id, t.channel, v.parts::text, v.optional_variables
            from template_versions v join templates t on t.id = v.template_id where v.id = any($1)
            """);
        cmd.Parameters.AddWithValue(missing.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var v = new TemplateVersion(r.GetGuid(0), r.GetString(1), JsonNode.Parse(r.GetString(2))!.AsObject(), r.GetFieldValue<string[]>(3));
            if (_cache.Count >= MaxCached) _cache.Clear();
            _cache[v.Id] = v;
            result[v.Id] = v;
        }
        return result;
    }
}
