using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Notifications;

public abstract record IdempotencyClaim
{
    public sealed record Fresh : IdempotencyClaim;
    public sealed record Replay(int StatusCode, string Body) : IdempotencyClaim;
}

/// <summary>
/// `Idempotency-Key`: the key row is inserted in the same transaction as the notifications. A concurrent
/// request with the same key blocks on the unique index until the first commits, then replays its
/// response, so one key creates exactly one set of notifications. Keys live 24 hours.
/// </summary>
public static class IdempotencyStore
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static async Task<IdempotencyClaim> ClaimAsync(LedgerTransaction tx, Guid tenantId, string key, byte[] body,
        CancellationToken ct)
    {
        if (key.Length is 0 or > 255) throw RequestValidationException.For(Header, "An Idempotency-Key is 1 to 255 characters.");
        var hash = SHA256.HashData(CanonicalJson(body));
        await using (var insert = tx.Command("""
            insert into idempotency_keys (tenant_id, key, request_hash) values ($1, $2, $3)
            on conflict (tenant_id, key) do update
                set request_hash = excluded.request_hash, status_code = null, response_body = null, created_at = now()
                where idempotency_keys.created_at < now() - interval '24 hours'
            """))
        {
            insert.Parameters.AddWithValue(tenantId);
            insert.Parameters.AddWithValue(key);
            insert.Parameters.AddWithValue(hash);
            if (await insert.ExecuteNonQueryAsync(ct) == 1) return new IdempotencyClaim.Fresh();
        }
        await using var select = tx.Command(
            "select request_hash, status_code, response_body from idempotency_keys where tenant_id = $1 and key = $2");
        select.Parameters.AddWithValue(tenantId);
        select.Parameters.AddWithValue(key);
        await using var r = await select.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        if (!r.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(hash))
            throw new UnprocessableException("This Idempotency-Key was already used with a different request body.");
        return new IdempotencyClaim.Replay(r.GetInt32(1), r.GetString(2));
    }

    /// <summary>
    /// The request as meaning, not bytes (as payment APIs compare parameters): objects with their keys sorted, no
    /// whitespace. The same JSON with other spacing or key order is the same request; a body that is not JSON is
    /// compared as it came.
    /// </summary>
    internal static byte[] CanonicalJson(byte[] body)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(body); }
        catch (JsonException) { return body; }
        return Encoding.UTF8.GetBytes(Sorted(node)?.ToJsonString() ?? "null");

        static JsonNode? Sorted(JsonNode? n) => n switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Sorted)]),
            _ => n?.DeepClone(),
        };
    }

    /// <summary>
    /// Erase: remembered requests whose key or stored answer mentions one of <paramref name="values"/> (lower-cased) are
    /// forgotten (a retry with that key is then a new request; keys live 24 h anyway).
    /// </summary>
    public static async Task<int> ForgetAsync(NpgsqlDataSource db, Guid tenantId, string[] values, CancellationToken ct)
    {
        if (values.Length == 0) return 0;
        await using var cmd = db.CreateCommand("""
            delete from idempotency_keys where tenant_id = $1
              and exists (select 1 from unnest($2::text[]) v where strpos(lower(key), v) > 0 or strpos(lower(response_body), v) > 0)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(values);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task SaveResponseAsync(LedgerTransaction tx, Guid tenantId, string key, int status, string body,
        CancellationToken ct)
    {
        await using var cmd = tx.Command(
            "update idempotency_keys set status_code = $3, response_body = $4 where tenant_id = $1 and key = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.AddWithValue(body);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
