using Npgsql;

namespace NotificationService.Features.Sending.Templates;

/// <summary>A tenant partial (`{{> name}}`) or email layout (wraps the html part through `{{{body}}}`).</summary>
public sealed record FragmentView(string Name, string Kind, string Source, string? Description, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>SQL for `template_fragments`. Templates copy what they use into each version, so these rows
/// are only read when a version is saved or validated, never on the send path.</summary>
public sealed class FragmentStore(NpgsqlDataSource db)
{
    public const string Partial = "partial", Layout = "layout";
    private const string Columns = "name, kind, source, description, created_at, updated_at";

    public async Task<IReadOnlyList<FragmentView>> ListAsync(Guid tenantId, string kind, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"select {Columns} from template_fragments where tenant_id = $1 and kind = $2 order by name");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(kind);
        return await ReadAllAsync(cmd, ct);
    }

    /// <summary>name → source, for validation and for the snapshot stored in a version.</summary>
    public async Task<Dictionary<string, string>> SourcesAsync(Guid tenantId, string kind, CancellationToken ct) =>
        (await ListAsync(tenantId, kind, ct)).ToDictionary(f => f.Name, f => f.Source, StringComparer.Ordinal);

    public async Task<FragmentView?> GetAsync(Guid tenantId, string kind, string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"select {Columns} from template_fragments where tenant_id = $1 and kind = $2 and name = $3");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(name);
        return (await ReadAllAsync(cmd, ct)).FirstOrDefault();
    }

    /// <summary>Creates or replaces; Created says which (201 vs 200).</summary>
    public async Task<(FragmentView View, bool Created)> UpsertAsync(Guid tenantId, string kind, string name, string source,
        string? description, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            insert into template_fragments (tenant_id, kind, name, source, description) values ($1, $2, $3, $4, $5)
            on conflict (tenant_id, kind, name) do update set source = excluded.source, description = excluded.description, updated_at = now()
            returning {Columns}, (xmax = 0) as created
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(source);
        cmd.Parameters.AddWithValue((object?)description ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (Read(r), r.GetBoolean(6));
    }

    public async Task<bool> DeleteAsync(Guid tenantId, string kind, string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from template_fragments where tenant_id = $1 and kind = $2 and name = $3");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(name);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    private static async Task<IReadOnlyList<FragmentView>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<FragmentView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    private static FragmentView Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5));
}
