using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Templates;

/// <summary>
/// Writes for the admin API. Versions are append-only: create writes v1 and publishes it (a new template
/// is usable at once); update writes vN+1 as a draft; publish and rollback only move
/// `published_version_id`. Each write forgets this replica's resolver cache for the tenant; other
/// replicas see the change within <see cref="TemplateResolver.Ttl"/>.
/// </summary>
public sealed class TemplateCommands(NpgsqlDataSource db, TemplateResolver resolver)
{
    public async Task<Guid> CreateAsync(Guid tenantId, string key, string channel, string locale, string? description,
        VersionContent content, CancellationToken ct)
    {
        var (id, versionId) = (Uuid7.New(), Uuid7.New());
        await using var cmd = db.CreateCommand("""
            with t as (
                insert into templates (id, tenant_id, key, channel, locale, description, published_version_id, publish_history)
                values ($1, $2, $3, $4, $5, $6, $7, array[$7]) returning id)
            insert into template_versions (id, template_id, tenant_id, version, parts, optional_variables, partials, layout_name, layout)
            select $7, t.id, $2, 1, $8::jsonb, $9, $10::jsonb, $11, $12 from t
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(locale);
        cmd.Parameters.AddWithValue((object?)description ?? DBNull.Value);
        cmd.Parameters.AddWithValue(versionId);
        AddContent(cmd, content);
        try { await cmd.ExecuteNonQueryAsync(ct); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"A template '{key}' for {channel}/{locale} already exists; update it instead.");
        }
        resolver.Forget(tenantId);
        return id;
    }

    /// <summary>Appends a draft version; false when the template is not the tenant's (or deleted).
    /// The row lock serializes concurrent updates so version numbers never collide.</summary>
    public async Task<bool> UpdateAsync(Guid tenantId, Guid id, string? description, VersionContent content, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginOwnAsync(ct);   // none inside a configuration push's transaction
        await using (var lockRow = new NpgsqlCommand("""
            update templates set description = coalesce($3, description), updated_at = now()
            where id = $1 and tenant_id = $2 and deleted_at is null
            """, conn, tx))
        {
            lockRow.Parameters.AddWithValue(id);
            lockRow.Parameters.AddWithValue(tenantId);
            lockRow.Parameters.AddWithValue((object?)description ?? DBNull.Value);
            if (await lockRow.ExecuteNonQueryAsync(ct) == 0) return false;
        }
        // A new statement after the lock, so max(version) sees a concurrent update that committed first.
        await using var cmd = new NpgsqlCommand("""
            insert into template_versions (id, template_id, tenant_id, version, parts, optional_variables, partials, layout_name, layout)
            select $3, $1, $2, max(version) + 1, $4::jsonb, $5, $6::jsonb, $7, $8 from template_versions where template_id = $1
            """, conn, tx);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Uuid7.New());
        AddContent(cmd, content);
        var inserted = await cmd.ExecuteNonQueryAsync(ct) > 0;
        await tx.CommitOwnAsync(ct);
        return inserted;
    }

    /// <summary>Publishes a version (the latest when null). Publishing the current version again is a no-op.</summary>
    public async Task<PublishOutcome> PublishAsync(Guid tenantId, Guid id, int? version, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update templates t set published_version_id = v.id, updated_at = now(),
                   publish_history = case when t.published_version_id = v.id then t.publish_history
                       -- rows written by the seeder have a published version but no history yet
                       when cardinality(t.publish_history) = 0 and t.published_version_id is not null then array[t.published_version_id, v.id]
                       else t.publish_history || v.id end
            from (select id from template_versions where template_id = $1 and tenant_id = $2 and ($3::int is null or version = $3)
                  order by version desc limit 1) v
            where t.id = $1 and t.tenant_id = $2 and t.deleted_at is null
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = version, DataTypeName = "integer" });
        if (await cmd.ExecuteNonQueryAsync(ct) == 0) return PublishOutcome.NotFound;
        resolver.Forget(tenantId);
        return PublishOutcome.Done;
    }

    /// <summary>Publishes the version that was published before the current one (a stack: rolling back
    /// twice goes two publications back). Nothing earlier → NothingToRollBack.</summary>
    public async Task<PublishOutcome> RollbackAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update templates set publish_history = publish_history[1:cardinality(publish_history) - 1],
                   published_version_id = publish_history[cardinality(publish_history) - 1], updated_at = now()
            where id = $1 and tenant_id = $2 and deleted_at is null and cardinality(publish_history) >= 2
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(tenantId);
        if (await cmd.ExecuteNonQueryAsync(ct) > 0) { resolver.Forget(tenantId); return PublishOutcome.Done; }
        return PublishOutcome.NothingToRollBack;
    }

    /// <summary>Soft delete: new sends can no longer resolve the key, but versions stay, so notifications
    /// already accepted (pinned to a version) still render. The key may be created again.</summary>
    public async Task<bool> DeleteAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "update templates set deleted_at = now(), updated_at = now() where id = $1 and tenant_id = $2 and deleted_at is null");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(tenantId);
        var deleted = await cmd.ExecuteNonQueryAsync(ct) > 0;
        if (deleted) resolver.Forget(tenantId);
        return deleted;
    }

    private static void AddContent(NpgsqlCommand cmd, VersionContent c)
    {
        cmd.Parameters.AddWithValue(c.Parts.ToJsonString());
        cmd.Parameters.AddWithValue(c.OptionalVariables);
        cmd.Parameters.AddWithValue(System.Text.Json.JsonSerializer.Serialize(c.Partials));
        cmd.Parameters.AddWithValue((object?)c.LayoutName ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)c.Layout ?? DBNull.Value);
    }
}

public enum PublishOutcome { Done, NotFound, NothingToRollBack }
