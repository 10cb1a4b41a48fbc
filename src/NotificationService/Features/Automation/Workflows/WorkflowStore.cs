using System.Collections.Concurrent;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Automation.Workflows;

public sealed record WorkflowView(Guid Id, string Key, string Name, string? Category, int? PublishedVersion, int LatestVersion,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record WorkflowVersionView(int Version, bool Published, DateTimeOffset CreatedAt);

/// <summary>A stored version's definition: the JSON as saved and the model read from it.</summary>
public sealed record StoredWorkflow(Guid WorkflowId, string Key, int Version, string Json, WorkflowDefinition Definition);

public enum WorkflowPublish { Done, NotFound, NothingToRollBack }

/// <summary>
/// The one writer of `workflows` and `workflow_versions`, versioned as templates are (TemplateCommands): versions are
/// append-only; create writes v1 as a draft, a save appends vN+1 as a draft; publish and rollback only move the published
/// pointer (its history is a stack, so rolling back twice goes two publications back). A run names the version it was
/// triggered with, and a version never changes, so definitions are cached without expiry (bounded).
/// </summary>
public sealed class WorkflowStore(NpgsqlDataSource db)
{
    private const int MaxCached = 5_000;
    private readonly ConcurrentDictionary<(Guid Tenant, Guid Workflow, int Version), StoredWorkflow> _versions = new();

    private const string ViewColumns = """
        w.id, w.key, w.name, w.category, w.published_version,
        (select max(version) from workflow_versions v where v.tenant_id = w.tenant_id and v.workflow_id = w.id), w.created_at, w.updated_at
        """;

    /// <summary>Drops the tenant's cached definitions (after a transaction that may have read a version it then rolled back).</summary>
    public void Forget(Guid tenantId)
    {
        foreach (var key in _versions.Keys.Where(k => k.Tenant == tenantId)) _versions.TryRemove(key, out _);
    }

    public async Task<Guid> CreateAsync(Guid tenantId, WorkflowDefinition definition, string json, CancellationToken ct)
    {
        var id = Uuid7.New();
        await using var cmd = db.CreateCommand("""
            with w as (insert into workflows (tenant_id, id, key, name, category) values ($1, $2, $3, $4, $5) returning id)
            insert into workflow_versions (tenant_id, workflow_id, version, definition) select $1, w.id, 1, $6::jsonb from w
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(definition.Key);
        cmd.Parameters.AddWithValue(definition.Name);
        cmd.Parameters.AddWithValue((object?)definition.Category ?? DBNull.Value);
        cmd.Parameters.AddWithValue(json);
        try { await cmd.ExecuteNonQueryAsync(ct); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"A workflow '{definition.Key}' already exists; save a new version of it instead.");
        }
        return id;
    }

    /// <summary>Appends a draft version; null when there is no such workflow. The row lock keeps version numbers apart.</summary>
    public async Task<int?> SaveVersionAsync(Guid tenantId, WorkflowDefinition definition, string json, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginOwnAsync(ct);   // none inside a configuration push's transaction
        Guid id;
        await using (var lockRow = new NpgsqlCommand("""
            update workflows set name = $3, category = $4, updated_at = now()
            where tenant_id = $1 and key = $2 and deleted_at is null returning id
            """, conn, tx))
        {
            lockRow.Parameters.AddWithValue(tenantId);
            lockRow.Parameters.AddWithValue(definition.Key);
            lockRow.Parameters.AddWithValue(definition.Name);
            lockRow.Parameters.AddWithValue((object?)definition.Category ?? DBNull.Value);
            if (await lockRow.ExecuteScalarAsync(ct) is not Guid found) return null;
            id = found;
        }
        await using var cmd = new NpgsqlCommand("""
            insert into workflow_versions (tenant_id, workflow_id, version, definition)
            select $1, $2, max(version) + 1, $3::jsonb from workflow_versions where tenant_id = $1 and workflow_id = $2
            returning version
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(json);
        var version = (int)(await cmd.ExecuteScalarAsync(ct))!;
        await tx.CommitOwnAsync(ct);
        return version;
    }

    /// <summary>Publishes a version (the latest when null). Publishing the current one again is a no-op.</summary>
    public async Task<WorkflowPublish> PublishAsync(Guid tenantId, string key, int? version, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update workflows w set published_version = v.version, updated_at = now(),
                   publish_history = case when w.published_version = v.version then w.publish_history else w.publish_history || v.version end
            from (select x.version from workflow_versions x join workflows y on y.tenant_id = x.tenant_id and y.id = x.workflow_id
                  where y.tenant_id = $1 and y.key = $2 and y.deleted_at is null and ($3::int is null or x.version = $3)
                  order by x.version desc limit 1) v
            where w.tenant_id = $1 and w.key = $2 and w.deleted_at is null
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = version, DataTypeName = "integer" });
        return await cmd.ExecuteNonQueryAsync(ct) == 0 ? WorkflowPublish.NotFound : WorkflowPublish.Done;
    }

    /// <summary>Publishes the version published before the current one; nothing earlier → NothingToRollBack.</summary>
    public async Task<WorkflowPublish> RollbackAsync(Guid tenantId, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update workflows set publish_history = publish_history[1:cardinality(publish_history) - 1],
                   published_version = publish_history[cardinality(publish_history) - 1], updated_at = now()
            where tenant_id = $1 and key = $2 and deleted_at is null and cardinality(publish_history) >= 2
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        if (await cmd.ExecuteNonQueryAsync(ct) > 0) return WorkflowPublish.Done;
        return await GetAsync(tenantId, key, ct) is null ? WorkflowPublish.NotFound : WorkflowPublish.NothingToRollBack;
    }

    /// <summary>Deleted workflows take no triggers; their runs go on with the version they were pinned to.</summary>
    public async Task<bool> DeleteAsync(Guid tenantId, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "update workflows set deleted_at = now() where tenant_id = $1 and key = $2 and deleted_at is null");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<WorkflowView?> GetAsync(Guid tenantId, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"select {ViewColumns} from workflows w where w.tenant_id = $1 and w.key = $2 and w.deleted_at is null");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        return (await ReadViewsAsync(cmd, ct)).FirstOrDefault();
    }

    /// <summary>A page of the tenant's workflows by key (keyset: keys after <paramref name="afterKey"/>).</summary>
    public async Task<IReadOnlyList<WorkflowView>> ListAsync(Guid tenantId, string? afterKey, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select {ViewColumns} from workflows w where w.tenant_id = $1 and w.deleted_at is null and w.key > coalesce($2::text, {KeysetBound.FirstText})
            order by w.key limit $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = afterKey, DataTypeName = "text" });
        cmd.Parameters.AddWithValue(limit);
        return await ReadViewsAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<WorkflowVersionView>?> VersionsAsync(Guid tenantId, string key, CancellationToken ct)
    {
        if (await GetAsync(tenantId, key, ct) is not { } w) return null;
        await using var cmd = db.CreateCommand("""
            select version, created_at from workflow_versions where tenant_id = $1 and workflow_id = $2 order by version desc
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(w.Id);
        var list = new List<WorkflowVersionView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new(r.GetInt32(0), r.GetInt32(0) == w.PublishedVersion, r.GetFieldValue<DateTimeOffset>(1)));
        return list;
    }

    /// <summary>A version of the workflow by key (the published one when <paramref name="version"/> is null, else the number).</summary>
    public async Task<StoredWorkflow?> VersionAsync(Guid tenantId, string key, int? version, bool publishedOnly, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select w.id, coalesce($3, case when $4 then w.published_version else (select max(version) from workflow_versions v
                   where v.tenant_id = w.tenant_id and v.workflow_id = w.id) end)
            from workflows w where w.tenant_id = $1 and w.key = $2 and w.deleted_at is null
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = version, DataTypeName = "integer" });
        cmd.Parameters.AddWithValue(publishedOnly);
        Guid id;
        int number;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct) || r.IsDBNull(1)) return null;
            (id, number) = (r.GetGuid(0), r.GetInt32(1));
        }
        return await VersionAsync(tenantId, id, number, ct);
    }

    /// <summary>A pinned version by workflow id (what a run reads on every transition): cached, since it never changes.</summary>
    public async Task<StoredWorkflow?> VersionAsync(Guid tenantId, Guid workflowId, int version, CancellationToken ct)
    {
        if (_versions.TryGetValue((tenantId, workflowId, version), out var cached)) return cached;
        await using var cmd = db.CreateCommand("""
            select w.key, v.definition::text from workflow_versions v join workflows w on w.tenant_id = v.tenant_id and w.id = v.workflow_id
            where v.tenant_id = $1 and v.workflow_id = $2 and v.version = $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(workflowId);
        cmd.Parameters.AddWithValue(version);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var json = r.GetString(1);
        // Saved versions passed validation; templates are not checked again here (a template deleted later fails the send).
        var definition = WorkflowParser.Parse(json).Definition
            ?? throw new InvalidOperationException($"stored workflow {workflowId} v{version} no longer parses");
        var stored = new StoredWorkflow(workflowId, r.GetString(0), version, json, definition);
        if (_versions.Count >= MaxCached) _versions.Clear();
        return _versions[(tenantId, workflowId, version)] = stored;
    }

    private static async Task<IReadOnlyList<WorkflowView>> ReadViewsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<WorkflowView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new WorkflowView(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetInt32(4), r.GetInt32(5), r.GetFieldValue<DateTimeOffset>(6),
                r.GetFieldValue<DateTimeOffset>(7)));
        return list;
    }
}
