using Npgsql;

namespace NotificationService.Bench.HangfireJobs;

/// <summary>
/// The Hangfire job the phase times: what one delivery's bookkeeping does in the service's worker, in one transaction —
/// read the delivery's row, mark it sent, append its history event. Its argument is the row's id only.
/// </summary>
public static class DeliveryBookkeeping
{
    /// <summary>The phase's database; set before the server starts (a static job method has no container to ask).</summary>
    internal static NpgsqlDataSource? Db;

    public const string Schema = """
        create table bench_hf_delivery (id bigint primary key, status text not null);
        create table bench_hf_event (id bigserial primary key, delivery_id bigint not null, kind text not null,
            at timestamptz not null default now());
        """;

    public static async Task RecordAsync(long deliveryId)
    {
        await using var conn = await Db!.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("select status from bench_hf_delivery where id = $1 for update", conn, tx))
        {
            read.Parameters.AddWithValue(deliveryId);
            if (await read.ExecuteScalarAsync() is not "queued") return;   // already done: a retried job writes nothing twice
        }
        await using var write = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new("update bench_hf_delivery set status = 'sent' where id = $1") { Parameters = { new() { Value = deliveryId } } },
                new("insert into bench_hf_event (delivery_id, kind) values ($1, 'sent')") { Parameters = { new() { Value = deliveryId } } },
            },
        };
        await write.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }
}
