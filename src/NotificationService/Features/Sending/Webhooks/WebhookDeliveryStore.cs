using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Webhooks;

/// <summary>A delivery as the sender needs it: target, secrets and the exact payload bytes.</summary>
public sealed record PendingDelivery(Guid Id, Guid EndpointId, string Url, bool Enabled, byte[] Ciphertext, string KeyId,
    DateTimeOffset? PreviousExpiresAt, string EventType, string Payload, int Attempts);

/// <summary>One attempt's result, as written to the log. <paramref name="DisableEndpoint"/>: it answered 410 Gone.</summary>
public sealed record AttemptRecord(Guid DeliveryId, Guid EndpointId, int? StatusCode, int LatencyMs, string? Excerpt, string? Error,
    string NewStatus, bool DisableEndpoint);

public sealed record AttemptView(int Attempt, int? StatusCode, int LatencyMs, string? ResponseExcerpt, string? Error, DateTimeOffset At);

public sealed record DeliveryView(Guid Id, string EventType, string Status, int Attempts, int? LastStatusCode, int? LastLatencyMs,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<AttemptView> AttemptLog);

/// <summary>One delivery of a notification's event, for that notification's page.</summary>
public sealed record NotificationDelivery(Guid Id, string EventType, Guid EndpointId, string EndpointUrl, string Status,
    int? LastStatusCode, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The one owner of `webhook_deliveries` and `webhook_attempts`: writes deliveries (set-based, in the event's
/// transaction), loads and records them per batch; the admin log, replay and test events.</summary>
public sealed class WebhookDeliveryStore(NpgsqlDataSource db, WebhookOutbox outbox) : IRetainedData
{
    public string Kind => "WebhookDeliveries";

    public int DefaultDays => 30;

    /// <summary>Finished deliveries (their attempts cascade) made before the cut-off; ids are UUIDv7, so it is a key range.</summary>
    /// <summary>
    /// $1 tenant, $2 notification ids. Erase: the deliveries of these notifications' events keep their id, event, status and
    /// attempts; the payload loses its recipient, metadata and error (a pending one is sent, and a replay resent, without
    /// them), and what receivers answered is dropped.
    /// </summary>
    private const string EraseSql = """
        with d as (
            update webhook_deliveries set payload = jsonb_set(jsonb_set(jsonb_set(payload::jsonb, '{data,recipient}', '{}'),
                '{data,metadata}', 'null'), '{data,error}', 'null')::text, last_error = null, updated_at = now()
            where tenant_id = $1 and notification_id = any($2) and payload::jsonb ? 'data'
            returning id
        ), a as (
            update webhook_attempts t set response_excerpt = null, error = null from d where t.delivery_id = d.id
        )
        select count(*) from d
        """;

    public static async Task<int> EraseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid[] notificationIds,
        CancellationToken ct)
    {
        if (notificationIds.Length == 0) return 0;
        await using var cmd = new NpgsqlCommand(EraseSql, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(notificationIds);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            delete from webhook_deliveries where id in (
                select id from webhook_deliveries where id < $1 and status <> 'pending' order by id limit $2 for update skip locked)
            """);
        cmd.Parameters.AddWithValue(Uuid7.Floor(olderThan));
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<NewDelivery> deliveries,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into webhook_deliveries (id, tenant_id, endpoint_id, event_type, payload, notification_id)
            select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[])
            """, conn, tx);
        cmd.Parameters.AddWithValue(deliveries.Select(d => d.Id).ToArray());
        cmd.Parameters.AddWithValue(deliveries.Select(d => d.TenantId).ToArray());
        cmd.Parameters.AddWithValue(deliveries.Select(d => d.EndpointId).ToArray());
        cmd.Parameters.AddWithValue(deliveries.Select(d => d.EventType).ToArray());
        cmd.Parameters.AddWithValue(deliveries.Select(d => d.Payload).ToArray());
        cmd.Parameters.AddWithValue(deliveries.Select(d => d.NotificationId).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<Dictionary<Guid, PendingDelivery>> LoadAsync(Guid[] ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(RecordSql);
        cmd.Parameters.AddWithValue(ids);
        var found = new Dictionary<Guid, PendingDelivery>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found[r.GetGuid(0)] = new PendingDelivery(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetBoolean(3),
                r.GetFieldValue<byte[]>(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.GetString(7), r.GetString(8), r.GetInt32(9));
        return found;
    }

    /// <summary>One row per attempt: the delivery's new state and counters, and its line in the attempt log.</summary>
    private const string RecordSql = """
        select d.id, e.id, e.url, e.enabled, e.secrets_ciphertext, e.secrets_key_id, e.previous_secret_expires_at, d.event_type, d.payload, d.attempts
        from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where d.id = any($1)
        """;

    /// <summary>One statement: attempts logged, deliveries updated (endpoints that answered 410 are disabled by their store).</summary>
    public async Task RecordAsync(IReadOnlyList<AttemptRecord> attempts, CancellationToken ct)
    {
        if (attempts.Count == 0) return;
        await using var cmd = db.CreateCommand("""
            with a as (
                select * from unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[])
                    as a(delivery_id, status_code, latency_ms, excerpt, error, new_status)
            ), d as (
                update webhook_deliveries d set status = a.new_status, attempts = d.attempts + 1, last_status_code = a.status_code,
                    last_latency_ms = a.latency_ms, last_error = a.error, updated_at = now()
                from a where d.id = a.delivery_id returning d.id, d.attempts
            )
            insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms, response_excerpt, error)
            select a.delivery_id, d.attempts, a.status_code, a.latency_ms, a.excerpt, a.error from a join d on d.id = a.delivery_id
            """);
        var p = cmd.Parameters;
        p.AddWithValue(attempts.Select(a => a.DeliveryId).ToArray());
        p.AddWithValue(attempts.Select(a => a.StatusCode).ToArray());
        p.AddWithValue(attempts.Select(a => a.LatencyMs).ToArray());
        p.AddWithValue(attempts.Select(a => a.Excerpt).ToArray());
        p.AddWithValue(attempts.Select(a => a.Error).ToArray());
        p.AddWithValue(attempts.Select(a => a.NewStatus).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<DeliveryView>> ListAsync(Guid tenantId, Guid endpointId, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select d.id, d.event_type, d.status, d.attempts, d.last_status_code, d.last_latency_ms, d.last_error, d.created_at, d.updated_at,
                   coalesce((select json_agg(json_build_object('attempt', a.attempt, 'statusCode', a.status_code, 'latencyMs', a.latency_ms,
                       'responseExcerpt', a.response_excerpt, 'error', a.error, 'at', a.created_at) order by a.id)
                     from webhook_attempts a where a.delivery_id = d.id), '[]')::text
            from webhook_deliveries d where d.tenant_id = $1 and d.endpoint_id = $2 order by d.created_at desc, d.id desc limit $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(endpointId);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<DeliveryView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new DeliveryView(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7),
                r.GetFieldValue<DateTimeOffset>(8),
                System.Text.Json.JsonSerializer.Deserialize<List<AttemptView>>(r.GetString(9), JsonBody.Options)!));
        return list;
    }

    /// <summary>
    /// The webhook deliveries of one notification's events, oldest first, with the endpoint each went to; on the
    /// (tenant_id, notification_id) index. Another tenant's notification has none here (the tenant is in the key).
    /// </summary>
    public async Task<IReadOnlyList<NotificationDelivery>> ForNotificationAsync(Guid tenantId, Guid notificationId, int limit,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select d.id, d.event_type, d.endpoint_id, e.url, d.status, d.last_status_code, d.attempts, d.last_error, d.created_at, d.updated_at
            from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
            where d.tenant_id = $1 and d.notification_id = $2
            order by d.id limit $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(notificationId);
        cmd.Parameters.AddWithValue(limit);
        var list = new List<NotificationDelivery>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new NotificationDelivery(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetInt32(5), r.GetInt32(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.GetFieldValue<DateTimeOffset>(8), r.GetFieldValue<DateTimeOffset>(9)));
        return list;
    }

    /// <summary>What each of the tenant's deliveries named was: its event, endpoint and notification (a dead webhook job's
    /// subject).</summary>
    public async Task<IReadOnlyDictionary<Guid, (string EventType, string EndpointUrl, Guid? NotificationId)>> DescribeAsync(
        Guid tenantId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var found = new Dictionary<Guid, (string, string, Guid?)>();
        if (ids.Count == 0) return found;
        await using var cmd = db.CreateCommand("""
            select d.id, d.event_type, e.url, d.notification_id
            from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where d.tenant_id = $1 and d.id = any($2)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(ids.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found[r.GetGuid(0)] = (r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3));
        return found;
    }

    /// <summary>Sends the same delivery again (same webhook-id, same payload) with a fresh retry budget.</summary>
    public async Task ReplayAsync(Guid tenantId, Guid endpointId, Guid deliveryId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "update webhook_deliveries set status = 'pending', updated_at = now() where tenant_id = $1 and endpoint_id = $2 and id = $3",
            conn, tx)
            { Parameters = { new() { Value = tenantId }, new() { Value = endpointId }, new() { Value = deliveryId } } };
        if (await cmd.ExecuteNonQueryAsync(ct) == 0) throw new NotFoundException("The delivery");
        await outbox.EnqueueJobAsync(conn, tx, deliveryId, tenantId, ct);
        await tx.CommitAsync(ct);
        outbox.NotifyCommitted();
    }

    /// <summary>A `webhook.test` ping to one endpoint, through the queue like any event.</summary>
    public async Task<Guid> TestAsync(Guid tenantId, Guid endpointId, CancellationToken ct)
    {
        var id = Uuid7.New();
        var payload = new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "webhook.test",
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["data"] = new System.Text.Json.Nodes.JsonObject { ["endpointId"] = endpointId.ToString() },
        }.ToJsonString();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await outbox.EnqueueAsync(conn, tx, [new NewDelivery(id, tenantId, endpointId, "webhook.test", payload)], ct);
        await tx.CommitAsync(ct);
        outbox.NotifyCommitted();
        return id;
    }
}
