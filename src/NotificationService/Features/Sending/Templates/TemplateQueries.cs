using NotificationService.Infrastructure;
using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Features.Sending.Templates;

/// <summary>A stored version with what preview and test-send need to know about its template.</summary>
public sealed record StoredVersion(TemplateVersion Version, int Number, string Key, string Locale);

/// <summary>Reads for the admin API. Every query is scoped to the caller's tenant: another tenant's id
/// simply finds nothing (404). Deleted templates are invisible here; their versions stay renderable.</summary>
public sealed class TemplateQueries(NpgsqlDataSource db)
{
    private const string ViewSelect = """
        select t.id, t.key, t.channel, t.locale, t.description, lv.version, pv.version, lv.parts::text,
               lv.optional_variables, lv.layout_name, t.created_at, t.updated_at
        from templates t
        join lateral (select * from template_versions v where v.template_id = t.id order by v.version desc limit 1) lv on true
        left join template_versions pv on pv.id = t.published_version_id
        where t.tenant_id = $1 and t.deleted_at is null
        """;

    public async Task<TemplateView?> GetAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ViewSelect + " and t.id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        return (await ReadViewsAsync(cmd, ct)).FirstOrDefault();
    }

    /// <summary>Keyset pagination in id order (ids are UUIDv7, so this is creation order): the cursor is
    /// the last id of the page, stable under concurrent inserts and deletes.</summary>
    public async Task<TemplatePage> ListAsync(Guid tenantId, string? channel, string? locale, string? key, int limit, Guid? after,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ViewSelect + $"""
             and ($2::text is null or t.channel = $2) and ($3::text is null or t.locale = $3)
             and ($4::text is null or t.key = $4) and t.id > coalesce($5::uuid, {KeysetBound.FirstUuid})
            order by t.id limit $6
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = channel, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = locale, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = key, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = after, DataTypeName = "uuid" });
        cmd.Parameters.AddWithValue(limit + 1);
        var items = await ReadViewsAsync(cmd, ct);
        return items.Count > limit
            ? new TemplatePage(items.Take(limit).ToList(), items[limit - 1].Id.ToString())
            : new TemplatePage(items, null);
    }

    public async Task<IReadOnlyList<VersionView>?> VersionsAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select v.id, v.version, v.id = t.published_version_id, v.parts::text, v.optional_variables, v.layout_name,
                   array(select jsonb_object_keys(v.partials) order by 1), v.created_at
            from templates t join template_versions v on v.template_id = t.id
            where t.tenant_id = $1 and t.id = $2 and t.deleted_at is null order by v.version desc
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        var list = new List<VersionView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new VersionView(r.GetGuid(0), r.GetInt32(1), r.GetBoolean(2), JsonNode.Parse(r.GetString(3))!.AsObject(),
                r.GetFieldValue<string[]>(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetFieldValue<string[]>(6),
                r.GetFieldValue<DateTimeOffset>(7)));
        return list.Count == 0 ? null : list;
    }

    /// <summary>The given version number, or the latest; null when the template or version does not exist.</summary>
    public async Task<StoredVersion?> VersionAsync(Guid tenantId, Guid id, int? number, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select v.id, t.channel, v.parts::text, v.optional_variables, v.partials::text, v.layout, v.version, t.key, t.locale
            from templates t join template_versions v on v.template_id = t.id
            where t.tenant_id = $1 and t.id = $2 and t.deleted_at is null and ($3::int is null or v.version = $3)
            order by v.version desc limit 1
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = number, DataTypeName = "integer" });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var partials = JsonNode.Parse(r.GetString(4))!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var version = new TemplateVersion(tenantId, r.GetGuid(0), r.GetString(1), JsonNode.Parse(r.GetString(2))!.AsObject(),
            r.GetFieldValue<string[]>(3), partials, r.IsDBNull(5) ? null : r.GetString(5));
        return new StoredVersion(version, r.GetInt32(6), r.GetString(7), r.GetString(8));
    }

    private static async Task<List<TemplateView>> ReadViewsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<TemplateView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new TemplateView(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt32(6), JsonNode.Parse(r.GetString(7))!.AsObject(),
                r.GetFieldValue<string[]>(8), r.IsDBNull(9) ? null : r.GetString(9),
                r.GetFieldValue<DateTimeOffset>(10), r.GetFieldValue<DateTimeOffset>(11)));
        return list;
    }
}
