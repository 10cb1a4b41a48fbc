namespace NotificationService.Bench.Floor;

/// <summary>
/// The statements of the floor phase, on the service's own tables (the phase database is migrated like any other). Each
/// step adds one of a sandbox delivery's writes to the one before, all in one statement and one commit per 100 jobs: the
/// least any queue and ledger design could ask of PostgreSQL for those rows. What the service's own statements cost for the
/// same work is the dispatch phase's figure (`--only dispatch,floor` puts both in one run). $1 is the tenant, $2 the
/// sandbox provider.
/// </summary>
internal static class DeliveryFloorSql
{
    public const string Empty = "truncate jobs, notifications, notification_events, sandbox_messages, jobs_lite cascade";

    /// <summary>$2 queued sandbox emails of tenant $1, as accept leaves them.</summary>
    public const string FillNotifications = """
        insert into notifications (id, tenant_id, channel, status, recipient, template_key, locale, content, data)
        select gen_random_uuid(), $1, 'email', 'queued',
               jsonb_build_object('email', 'user' || g || '@example.com', 'phone', null, 'userId', null, 'deviceTokens', null),
               'floor', 'en', jsonb_build_object('subject', 'Welcome', 'html', '<p>Hello user ' || g || '</p>', 'text', 'Hello ' || g),
               jsonb_build_object('user', jsonb_build_object('firstName', 'U' || g))
        from generate_series(1, $2) g
        """;

    /// <summary>A delivery job for each notification.</summary>
    public const string FillJobs = """
        insert into jobs (queue, kind, tenant_id, args)
        select 'email', 'deliver', tenant_id, jsonb_build_object('notificationId', id) from notifications
        """;

    /// <summary>The claim the service's fair index serves, taking and deleting 100 due jobs at once.</summary>
    private const string ClaimAndDelete = """
        with c as (
            delete from jobs where id in (
                select id from jobs where queue = 'email' and state = 'ready' and tenant_id = $1 and run_at <= now()
                order by priority, run_at, id limit 100 for update skip locked)
            returning (args->>'notificationId')::uuid as nid
        )
        """;

    private const string SentOnce = """
        , u as (
            update notifications n set status = 'sent', attempts = attempts + 1, provider_id = $2, provider_kind = 'sandbox',
                provider_message_id = 'sb-' || n.id, sent_at = now(), updated_at = now(), last_error = null
            from c where n.id = c.nid and n.status = 'queued'
            returning n.id, n.tenant_id, n.recipient, n.content, n.attempts
        )
        """;

    private const string History = """
        , e as (
            insert into notification_events (notification_id, status, source, detail, attempt, started_at, provider_message_id)
            select id, 'sent', 'worker', 'sandbox', attempts, now(), 'sb-' || id from u
        )
        """;

    private const string SandboxRecord = """
        , s as (
            insert into sandbox_messages (tenant_id, notification_id, provider_id, channel, provider_message_id, recipient, content)
            select tenant_id, id, $2, 'email', 'sb-' || id, recipient, content from u
        )
        """;

    /// <summary>The steps, each one statement returning how many jobs it took.</summary>
    public static readonly (string Name, string Sql)[] Steps =
    [
        ("claim-and-delete on the service's jobs table", ClaimAndDelete + "select count(*) from c"),
        ("+ the notification's one update, to sent", ClaimAndDelete + SentOnce + "select count(*) from u"),
        ("+ its history row", ClaimAndDelete + SentOnce + History + "select count(*) from u"),
        ("+ the sandbox provider's record: the floor", ClaimAndDelete + SentOnce + History + SandboxRecord + "select count(*) from u"),
    ];
}
