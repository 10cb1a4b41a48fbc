using System.Text.Json;
using Npgsql;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Hosting;
using NotificationService.Postgres;

namespace NotificationService.Tests.Features.Sending.Notifications.Ledger;

/// <summary>
/// A provider's status callback names its message id, which the ledger finds through the history row of the attempt that
/// recorded it (`notifications` keeps no index on it, for HOT updates). That look-up runs once per callback batch and must
/// read `notifications` through its primary key whatever the statistics say: on a database whose `notification_events`
/// had not been analyzed yet it hash-joined and read every notification (the bench's Twilio callbacks: 289 µs of
/// PostgreSQL per event, 1.6 ms a statement among 10,000 notifications).
/// </summary>
public class ReportedStatusPlanTests
{
    private static readonly Guid Tenant = Guid.Parse("0000000d-e000-4000-8000-0000000000a1");

    /// <param name="generic">The plan the report's transaction uses (<c>NotificationLedger.Sql.GenericPlans</c>), or the
    /// one PostgreSQL makes for the values at hand.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_callback_finds_its_notifications_by_message_id_through_the_primary_key_before_any_statistics(bool generic)
    {
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("plan"));
        await Migrator.ApplyAsync(db, DatabaseMigrations.All);
        await using var conn = await db.OpenConnectionAsync();
        // The history table as a young database has it: filled, never analyzed (and no autovacuum to analyze it meanwhile).
        await ExecAsync(conn, """
            alter table notification_events set (autovacuum_enabled = false);
            with n as (
                insert into notifications (id, tenant_id, channel, status, recipient, provider_kind, provider_message_id, sent_at, attempts)
                select gen_random_uuid(), '0000000d-e000-4000-8000-0000000000a1', 'sms', 'sent', '{"phone":"+14155550100"}', 'twilio_sms',
                       'SM' || lpad(g::text, 32, '0'), now(), 1
                from generate_series(1, 10000) g
                returning id, provider_message_id)
            insert into notification_events (notification_id, status, source, detail, attempt, started_at, provider_message_id)
            select id, 'sent', 'worker', 'twilio_sms', 1, now(), provider_message_id from n;
            analyze notifications;
            """);
        var messageIds = new[] { 17, 4017, 9017 }.Select(i => "SM" + i.ToString().PadLeft(32, '0')).ToArray();

        await using var tx = await conn.BeginTransactionAsync();
        NpgsqlCommand explain;
        if (generic)
        {
            await ExecAsync(conn, $"{NotificationLedger.Sql.GenericPlans}; prepare lock_reported(uuid, uuid[], text[]) as {NotificationLedger.Sql.LockReported}");
            explain = new NpgsqlCommand($"explain (analyze, format json) execute lock_reported('{Tenant}', '{{}}', '{{{string.Join(',', messageIds)}}}')", conn, tx);
        }
        else
        {
            explain = new NpgsqlCommand($"explain (analyze, format json) {NotificationLedger.Sql.LockReported}", conn, tx);
            explain.Parameters.AddWithValue(Tenant);
            explain.Parameters.AddWithValue(Array.Empty<Guid>());
            explain.Parameters.AddWithValue(messageIds);
        }
        await using (explain)
        {
            using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
            var root = plan.RootElement[0].GetProperty("Plan");
            Assert.Equal(3, root.GetProperty("Actual Rows").GetInt32());
            var notificationReads = Nodes(root).Where(n => n.TryGetProperty("Relation Name", out var r) && r.GetString() == "notifications").ToList();
            Assert.NotEmpty(notificationReads);
            // Before: a "Seq Scan" on notifications under a Hash Semi Join, 10,000 rows read to lock 3.
            Assert.DoesNotContain("Seq Scan", notificationReads.Select(n => n.GetProperty("Node Type").GetString()));
            Assert.Contains("notifications_pkey", Nodes(root).Select(n => n.TryGetProperty("Index Name", out var i) ? i.GetString() : null));
        }
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node) =>
        new[] { node }.Concat(node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(Nodes) : []);

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
