using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Channels;
using NotificationService.Channels.Sandbox;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>Stores what the sandbox provider "sent" in `sandbox_messages`, many rows per statement.</summary>
public sealed class SandboxRecorder : ISandboxRecorder, IRetainedData, IAsyncDisposable
{
    private readonly BatchingWriter<(ProviderConfig Config, OutgoingMessage Message, string Id)> _writer;
    private readonly NpgsqlDataSource _db;

    public SandboxRecorder(NpgsqlDataSource db) => (_db, _writer) = (db, new(async (rows, ct) =>
    {
        await using var cmd = db.CreateCommand("""
            insert into sandbox_messages (tenant_id, notification_id, provider_id, channel, provider_message_id, recipient, content)
            select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[])
            """);
        cmd.Parameters.AddWithValue(rows.Select(r => r.Message.TenantId).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Message.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Config.Id).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Message.Channel).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Id).ToArray());
        cmd.Parameters.Add(Jsonb(rows.Select(r => (object)r.Message.Recipient)));
        cmd.Parameters.Add(Jsonb(rows.Select(r => (object)r.Message.Content)));
        await cmd.ExecuteNonQueryAsync(ct);
    }));

    public Task RecordAsync(ProviderConfig config, OutgoingMessage message, string providerMessageId, CancellationToken ct) =>
        _writer.WriteAsync((config, message, providerMessageId));

    private static NpgsqlParameter Jsonb(IEnumerable<object> values) => new()
    {
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        Value = values.Select(v => JsonSerializer.Serialize(v, JsonBody.Options)).ToArray(),
    };

    /// <summary>The console's sandbox inbox: what the sandbox provider "sent", newest first (keyset on id).</summary>
    public async Task<IReadOnlyList<SandboxMessage>> ListAsync(Guid tenantId, Guid? notificationId, long? beforeId, int limit,
        CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand($"""
            select id, notification_id, channel, provider_message_id, recipient::text, content::text, created_at from sandbox_messages
            where tenant_id = $1 and ($2::uuid is null or notification_id = $2) and id < coalesce($3::bigint, {KeysetBound.LastBigint})
            order by id desc limit $4
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Uuid, (object?)notificationId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bigint, (object?)beforeId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<SandboxMessage>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new SandboxMessage(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetFieldValue<DateTimeOffset>(6)));
        return list;
    }

    /// <summary>Erase: what the sandbox recorded for these notifications keeps its ids, channel and time,
    /// not the person or the message.</summary>
    public static async Task<int> EraseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid[] notificationIds,
        CancellationToken ct)
    {
        if (notificationIds.Length == 0) return 0;
        await using var cmd = new NpgsqlCommand("""
            update sandbox_messages set recipient = '{}', content = '{}'
            where tenant_id = $1 and notification_id = any($2) and (recipient <> '{}' or content <> '{}')
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(notificationIds);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public string Kind => "SandboxMessages";

    public int DefaultDays => 7;

    /// <summary>
    /// The oldest <paramref name="limit"/> rows by id (identity order is insert order), of which those older than the
    /// cut-off go: a bounded walk of the primary key, with no index on created_at to keep up on the send path.
    /// </summary>
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand("""
            delete from sandbox_messages
            where id in (select id from sandbox_messages order by id limit $2) and created_at < $1
            """);
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

public sealed record SandboxMessage(long Id, Guid NotificationId, string Channel, string ProviderMessageId, string RecipientJson,
    string ContentJson, DateTimeOffset CreatedAt);
