using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.People.Preferences;

/// <summary>The one writer of `user_preferences`: a user's own settings, one row per (tenant, user key).</summary>
public sealed class PreferenceStore(NpgsqlDataSource db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<StoredPreferences?> GetAsync(Guid tenantId, string userKey, CancellationToken ct)
    {
        var found = await LoadManyAsync([(tenantId, userKey)], ct);
        return found.GetValueOrDefault((tenantId, userKey));
    }

    /// <summary>
    /// Every stored preference set among these (tenant, user key) pairs: one query per delivery batch. `= any` on both
    /// key columns is a primary-key index scan whatever the table's size; joining to unnest($1, $2) instead let the
    /// planner hash-join a seq scan of the whole table (measured: dispatch at 0.62–0.79 of its rate with 10,000 users'
    /// preferences stored). A batch spans few tenants, so the rows the cross product adds are few and dropped here.
    /// </summary>
    public async Task<Dictionary<(Guid, string), StoredPreferences>> LoadManyAsync(
        IReadOnlyCollection<(Guid TenantId, string UserKey)> keys, CancellationToken ct)
    {
        var found = new Dictionary<(Guid, string), StoredPreferences>();
        if (keys.Count == 0) return found;
        var wanted = keys.ToHashSet();
        await using var cmd = db.CreateCommand("""
            select tenant_id, user_key, channels::text, categories::text, quiet_hours::text, topics::text, digests::text from user_preferences
            where tenant_id = any($1) and user_key = any($2)
            """);
        cmd.Parameters.AddWithValue(wanted.Select(k => k.TenantId).Distinct().ToArray());
        cmd.Parameters.AddWithValue(wanted.Select(k => k.UserKey).Distinct().ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var key = (r.GetGuid(0), r.GetString(1));
            if (!wanted.Contains(key)) continue;
            found[key] = new StoredPreferences(
                JsonSerializer.Deserialize<Dictionary<string, bool>>(r.GetString(2), Json) ?? [],
                JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, bool>>>(r.GetString(3), Json) ?? [],
                r.IsDBNull(4) ? null : JsonSerializer.Deserialize<QuietHoursDto>(r.GetString(4), Json),
                JsonSerializer.Deserialize<Dictionary<string, bool>>(r.GetString(5), Json) ?? [],
                JsonSerializer.Deserialize<Dictionary<string, DigestCadenceDto>>(r.GetString(6), Json) ?? []);
        }
        return found;
    }

    public async Task SaveAsync(Guid tenantId, string userKey, StoredPreferences p, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            insert into user_preferences (tenant_id, user_key, channels, categories, quiet_hours, topics, digests) values ($1, $2, $3, $4, $5, $6, $7)
            on conflict (tenant_id, user_key) do update set channels = excluded.channels, categories = excluded.categories,
                quiet_hours = excluded.quiet_hours, topics = excluded.topics, digests = excluded.digests, updated_at = now()
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userKey);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(p.Channels, Json) });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(p.Categories, Json) });
        cmd.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Jsonb,
            Value = p.QuietHours is null ? DBNull.Value : JsonSerializer.Serialize(p.QuietHours, Json)
        });
        cmd.Parameters.Add(
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(p.TopicSettings, Json) });
        cmd.Parameters.Add(
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(p.DigestSettings, Json) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The digest cadence the user chose for <paramref name="category"/>, in a workflow transition's transaction; null
    /// when they chose none (or a stored one no longer parses: the step's own window then).</summary>
    public static async Task<DigestCadence?> DigestCadenceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId,
        string userKey, string category, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select digests -> $3 ->> 'cadence', digests -> $3 ->> 'at', digests -> $3 ->> 'day' from user_preferences
            where tenant_id = $1 and user_key = $2
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userKey);
        cmd.Parameters.AddWithValue(category);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct) || r.IsDBNull(0)) return null;
        return DigestCadence.Parse(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), out _);
    }

    /// <summary>Erase: the preferences kept under these keys (the user's, and those of the person's addresses) go.</summary>
    public async Task<int> ForgetAsync(Guid tenantId, string[] userKeys, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from user_preferences where tenant_id = $1 and user_key = any($2)");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userKeys);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One-click unsubscribe: category × channel off, in one statement (no read-modify-write race with a PATCH).</summary>
    public async Task OptOutAsync(Guid tenantId, string userKey, string category, string channel, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            insert into user_preferences (tenant_id, user_key, categories) values ($1, $2, jsonb_build_object($3::text, jsonb_build_object($4::text, false)))
            on conflict (tenant_id, user_key) do update set
                categories = user_preferences.categories
                    || jsonb_build_object($3::text, coalesce(user_preferences.categories -> $3, '{}') || jsonb_build_object($4::text, false)),
                updated_at = now()
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userKey);
        cmd.Parameters.AddWithValue(category);
        cmd.Parameters.AddWithValue(channel);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
