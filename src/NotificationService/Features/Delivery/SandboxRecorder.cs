using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Channels;
using NotificationService.Channels.Sandbox;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Delivery;

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
