using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// A month of one tenant's notifications as the service stores them, written in SQL (1 M sends over HTTP would take the
/// run's budget): UUIDv7 ids carrying their created_at, 60 % email / 20 % sms / 10 % push / 10 % in_app over
/// <see cref="Users"/> users (email and sms recipients also carry the userId, as an app's sends usually do), statuses
/// mostly delivered/sent with failed and suppressed ones, three categories, one history row per attempt (with a second
/// for delivered/opened), and the sandbox provider's record of the last 7 days (its retention).
/// </summary>
public static class ConsoleSeed
{
    public const int Users = 50_000;

    private static readonly string Chunk = $$"""
        with s as (
            select g, now() - make_interval(secs => g * $3) as t, g % 50000 as u,
                   (array['email','email','email','email','email','email','sms','sms','push','in_app'])[1 + g % 10] as ch,
                   (array['delivered','delivered','delivered','sent','sent','opened','failed','suppressed','delivered','sent'])[1 + (g / 10) % 10] as st
            from generate_series($2::bigint, $4::bigint) g
        ), n as (
            insert into notifications (id, tenant_id, channel, status, recipient, content, category, created_at, updated_at, sent_at,
                                       attempts, provider_kind, provider_message_id, last_error, send_at)
            select {{SeedSql.UuidV7("(extract(epoch from t) * 1000)::bigint")}},
                   $1, ch, st,
                   jsonb_build_object('userId', 'user' || u,
                       'email', case when ch = 'email' then 'user' || u || '@example.com' end,
                       'phone', case when ch = 'sms' then '+1555' || lpad(u::text, 7, '0') end,
                       'deviceTokens', null),
                   '{"subject": "Your order shipped", "body": "Hello, your order is on its way.", "html": null}',
                   (array['news', 'billing', 'security'])[1 + g % 3], t, t + interval '2 seconds',
                   case when st in ('sent', 'delivered', 'opened') then t + interval '1 second' end,
                   case when st = 'suppressed' then 0 else 1 end, case when st <> 'suppressed' then 'sandbox' end,
                   case when st in ('sent', 'delivered', 'opened') then 'sbx_' || g end,
                   case when st = 'failed' then 'provider refused: mailbox unavailable' end,
                   case when g % 100 = 0 then t end   -- 1 % were scheduled sends (their time has passed)
            from s
            returning id, tenant_id, channel, status, recipient, content, created_at, provider_message_id
        ), attempt as (
            insert into notification_events (notification_id, status, source, detail, created_at, attempt, started_at)
            select id, case when status in ('delivered', 'opened') then 'sent' else status end,
                   case when status = 'suppressed' then 'system' else 'worker' end, null, created_at + interval '1 second',
                   case when status = 'suppressed' then null else 1 end, case when status = 'suppressed' then null else created_at end
            from n
        ), later as (
            insert into notification_events (notification_id, status, source, created_at)
            select id, status, 'provider', created_at + interval '30 seconds' from n where status in ('delivered', 'opened')
        )
        insert into sandbox_messages (tenant_id, notification_id, provider_id, channel, provider_message_id, recipient, content, created_at)
        select tenant_id, id, '0000000d-e000-4000-8000-0000000000aa', channel, provider_message_id, recipient, content, created_at
        from n where provider_message_id is not null and created_at > now() - interval '7 days'
        """;

    /// <summary>
    /// What the ledger's analytics observer would have written for the seeded notifications: each counted once accepted and
    /// once under its status (with its error's leading code), per hour and dimension. The analytics page reads only these.
    /// </summary>
    private const string Rollups = """
        insert into analytics_hourly as a (tenant_id, hour, channel, template, workflow, category, provider, status, reason, count)
        select tenant_id, date_trunc('hour', created_at), channel, coalesce(template_key, ''), coalesce(metadata->>'workflow', ''),
               coalesce(category, ''), coalesce(provider_kind, ''), s.status, s.reason, count(*)
        from notifications n
        cross join lateral (values ('accepted', ''),
            (n.status, case when n.status in ('failed', 'suppressed', 'skipped') then coalesce(split_part(n.last_error, ':', 1), '') else '' end)) s(status, reason)
        where n.tenant_id = $1 and s.status <> 'queued'
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9
        on conflict (tenant_id, hour, channel, template, workflow, category, provider, status, reason) do update set count = a.count + excluded.count
        """;

    /// <summary>Writes the rows into the demo tenant (the one the bench's API key belongs to); returns its id.</summary>
    public static async Task<Guid> SeedAsync(NpgsqlDataSource db, long rows)
    {
        var tenant = await SeedSql.DemoTenantAsync(db);
        var secondsApart = TimeSpan.FromDays(30).TotalSeconds / rows;
        const long chunk = 100_000;
        for (long from = 1; from <= rows; from += chunk)
        {
            Progress.Show($"console: seeding notifications {from - 1:N0} / {rows:N0}");
            await using var cmd = db.CreateCommand(Chunk);
            cmd.CommandTimeout = 0;
            cmd.Parameters.AddWithValue(tenant);
            cmd.Parameters.AddWithValue(from);
            cmd.Parameters.AddWithValue(secondsApart);
            cmd.Parameters.AddWithValue(Math.Min(from + chunk - 1, rows));
            await cmd.ExecuteNonQueryAsync();
        }
        Progress.Show($"console: the analytics rollups of {rows:N0} notifications");
        await using (var rollups = db.CreateCommand(Rollups))
        {
            rollups.CommandTimeout = 0;
            rollups.Parameters.AddWithValue(tenant);
            await rollups.ExecuteNonQueryAsync();
        }
        // One statement each: VACUUM cannot run in a multi-statement batch.
        foreach (var table in new[] { "notifications", "notification_events", "sandbox_messages", "analytics_hourly" })
            await ConsoleRun.ExecAsync(db, $"vacuum analyze {table}");
        return tenant;
    }
}
