using NotificationService.Infrastructure;
namespace NotificationService.Features.Sending.Notifications;

public sealed partial class NotificationLedger
{
    /// <summary>The ledger's statements, one named constant each, so they read as SQL. Only the ledger writes these tables.</summary>
    internal static class Sql
    {
        /// <summary>$1 the UUIDv7 floor of the cut-off, $2 at most this many. Returns how many notifications went.</summary>
        public const string Purge = """
            with doomed as (
                select id from notifications
                where id < $1 and status not in ('accepted', 'queued', 'sending')
                  and (channel <> 'in_app' or status in ('failed', 'suppressed', 'skipped', 'cancelled') or recipient->>'userId' is null)
                order by id limit $2
                for update skip locked
            ), history as (
                delete from notification_events e using doomed d where e.notification_id = d.id
            ), gone as (
                delete from notifications n using doomed d where n.id = d.id returning 1
            )
            select count(*) from gone
            """;

        /// <summary>$1 ids of in-app notifications whose inbox item is gone; the item follows by its foreign key's cascade.</summary>
        public const string PurgeInApp = """
            with doomed as (
                select id from notifications
                where id = any($1) and channel = 'in_app' and status not in ('accepted', 'queued', 'sending')
                for update skip locked
            ), history as (
                delete from notification_events e using doomed d where e.notification_id = d.id
            ), gone as (
                delete from notifications n using doomed d where n.id = d.id returning 1
            )
            select count(*) from gone
            """;

        /// <summary>
        /// Erase, the rest of the statement after the batch is chosen (`doomed`): $5 lower-cased values of the person that
        /// free text must not keep. In-flight rows end cancelled with a history row; the others keep their status and times.
        /// </summary>
        private const string EraseDoomed = """
            ), u as (
                update notifications n set
                    status = case when d.status in ('accepted', 'queued', 'sending') then 'cancelled' else n.status end,
                    recipient = '{}', address = null, data = null, content = null, metadata = null,
                    last_error = case when d.status in ('accepted', 'queued', 'sending') then 'erased'
                                      when exists (select 1 from unnest($5::text[]) v where strpos(lower(n.last_error), v) > 0) then '[erased]'
                                      else n.last_error end,
                    updated_at = case when d.status in ('accepted', 'queued', 'sending') then now() else n.updated_at end
                from doomed d where n.id = d.id
                returning n.id, n.channel, d.status as previous, d.job_id
            ), cancelled as (
                insert into notification_events (notification_id, status, source, detail)
                select id, 'cancelled', 'system', 'erased' from u where previous in ('accepted', 'queued', 'sending')
            ), redacted as (
                update notification_events e set detail = '[erased]' from doomed d
                where e.notification_id = d.id and exists (select 1 from unnest($5::text[]) v where strpos(lower(e.detail), v) > 0)
            )
            select id, channel, previous, job_id from u
            """;

        /// <summary>$1 tenant, $2 userId, $3 after this id (keyset; null from the start), $4 batch size, $5 values: see
        /// <see cref="EraseDoomed"/>.</summary>
        public const string EraseByUser = $"""
            with doomed as (
                select id, status, job_id from notifications
                where tenant_id = $1 and {ByUserId.Where} and id > coalesce($3::uuid, {KeysetBound.FirstUuid})
                order by id limit $4 for update
            """ + EraseDoomed;

        /// <summary>$1 tenant, $2 email addresses (address-only sends), $3–$5 as <see cref="EraseByUser"/>.</summary>
        public const string EraseByEmail = $"""
            with doomed as (
                select id, status, job_id from notifications
                where tenant_id = $1
                  and (recipient->>'email' = any($2) or address = any(array(select lower(e) from unnest($2::text[]) e)))
                  and id > coalesce($3::uuid, {KeysetBound.FirstUuid})
                order by id limit $4 for update
            """ + EraseDoomed;

        /// <summary>$1 tenant, $2 phone numbers (address-only sends), $3–$5 as <see cref="EraseByUser"/>.</summary>
        public const string EraseByPhone = $"""
            with doomed as (
                select id, status, job_id from notifications
                where tenant_id = $1 and (recipient->>'phone' = any($2) or address = any($2)) and id > coalesce($3::uuid, {KeysetBound.FirstUuid})
                order by id limit $4 for update
            """ + EraseDoomed;

        /// <summary>
        /// The same rows as <see cref="CopyAccepted"/> as one statement for a batch: $1–$16 the columns as arrays, in
        /// that order without the status (`queued`). For the accept path's small groups, where what costs is round trips.
        /// </summary>
        public const string InsertAccepted = """
            insert into notifications (id, tenant_id, channel, status, priority, recipient, template_key, template_version_id,
                                       locale, content, data, category, metadata, batch_id, job_id, send_at, override_preferences)
            select n.id, n.tenant_id, n.channel, 'queued', n.priority, n.recipient, n.template_key, n.template_version_id,
                   n.locale, n.content, n.data, n.category, n.metadata, n.batch_id, n.job_id, n.send_at, n.override_preferences
            from unnest($1::uuid[], $2::uuid[], $3::text[], $4::smallint[], $5::jsonb[], $6::text[], $7::uuid[], $8::text[],
                        $9::jsonb[], $10::jsonb[], $11::text[], $12::jsonb[], $13::uuid[], $14::bigint[], $15::timestamptz[], $16::boolean[])
                 as n(id, tenant_id, channel, priority, recipient, template_key, template_version_id, locale, content, data,
                      category, metadata, batch_id, job_id, send_at, override_preferences)
            """;

        public const string CopyAccepted = """
            copy notifications (id, tenant_id, channel, status, priority, recipient, template_key, template_version_id,
                                locale, content, data, category, metadata, batch_id, job_id, send_at, override_preferences)
                from stdin (format binary)
            """;

        /// <summary>
        /// $1 ids. queued/sending → sending, attempts + 1; returns what the worker sends, and when the attempt started (its
        /// history entry is written with its outcome, one row per attempt: see <see cref="RecordAttempts"/>).
        /// </summary>
        public const string BeginSending = """
            update notifications set status = 'sending', attempts = attempts + 1, updated_at = now()
            where id = any($1) and status in ('queued', 'sending')
            returning id, tenant_id, channel, recipient::text, template_version_id, locale, content::text, data::text, category,
                      metadata::text, attempts, updated_at, priority, override_preferences, template_key
            """;

        /// <summary>
        /// $1 ids, $2 new statuses (null: stays sending), $3–$4 history status and detail, $5 last error, $6–$8 provider id,
        /// kind and message id, $9 when each attempt started. Only rows still `sending` move. One history row per attempt,
        /// carrying its number and start, from which reads derive the `sending` entry, and the provider's message id, by which
        /// callbacks find the notification (migration 700: no index on notifications covers a column this writes, so the
        /// update can be HOT). Returns the ids whose status changed.
        /// </summary>
        public const string RecordAttempts = """
            with x as (
                select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[],
                                     $9::timestamptz[], $10::text[])
                    as x(id, new_status, event_status, event_detail, error, provider_id, provider_kind, provider_message_id, started_at,
                         address)
            ), u as (
                update notifications n set
                    status = coalesce(x.new_status, n.status),
                    last_error = x.error,
                    provider_id = coalesce(x.provider_id, n.provider_id),
                    provider_kind = coalesce(x.provider_kind, n.provider_kind),
                    provider_message_id = coalesce(x.provider_message_id, n.provider_message_id),
                    sent_at = case when x.new_status = 'sent' then now() else n.sent_at end,
                    -- Kept only when the send named no address of the channel's kind: its profile's, resolved at delivery.
                    address = case when x.address is not null
                                    and n.recipient->>(case when n.channel = 'email' then 'email' else 'phone' end) is null
                                   then x.address else n.address end,
                    updated_at = now()
                from x where n.id = x.id and n.status = 'sending'
                returning n.id, n.attempts, x.new_status is not null as changed
            ), e as (
                insert into notification_events (notification_id, status, source, detail, attempt, started_at, provider_message_id)
                select x.id, x.event_status, 'worker', x.event_detail, u.attempts, x.started_at, x.provider_message_id from x join u on u.id = x.id
            )
            select id from u where changed
            """;

        /// <summary>
        /// For the ledger's statements of a report (until <see cref="UsualPlans"/>): reuse their generic plans. A callback
        /// batch names a few notifications (4 on average under 32 concurrent Twilio callbacks), and for arrays that short PostgreSQL keeps
        /// re-planning <see cref="LockReported"/> and <see cref="WriteSteps"/> on every execution (in psql, 7 runs of each:
        /// 7 custom plans, 0 generic; their generic plans never cost less than a custom one to the planner): ~100 µs of
        /// planning for the look-up alone, planning a quarter of PostgreSQL's time per callback in a perf profile. Their
        /// generic plans read by primary key and by index whatever the length (ReportedStatusPlanTests).
        /// </summary>
        public const string GenericPlans = "set local plan_cache_mode = force_generic_plan";

        /// <summary>Ends <see cref="GenericPlans"/> once the ledger's own statements of the report have run.</summary>
        public const string UsualPlans = "set local plan_cache_mode to default";

        /// <summary>$1 tenant, $2 notification ids, $3 provider message ids: the rows reports name, locked in id order. A message
        /// id is found through the attempt's history row that recorded it, and counts only while it is the notification's current one.
        /// The ids are gathered into one array first, so `notifications` is always read through its primary key: written as
        /// `id in (… union all …)`, a plan made while `notification_events` had no statistics (a young database) expected
        /// many ids, hash-joined them and read every notification on each callback (3.4 ms at 10,000 rows, against 0.27).</summary>
        public const string LockReported = """
            select id, status, channel, recipient::text, metadata::text, provider_message_id from notifications
            where tenant_id = $1
              and id = any(array(select notification_id from notification_events where provider_message_id = any($3)) || $2)
              and (id = any($2) or provider_message_id = any($3))
            order by id for update
            """;

        /// <summary>$1 tenant, $2 ids: the in_app notifications a user engaged with in the inbox, locked in id order. One still
        /// in flight is the worker's (see <see cref="NotificationLedger.RecordEngagementAsync"/>).</summary>
        public const string LockEngaged = """
            select id, status, channel, recipient::text, metadata::text from notifications
            where tenant_id = $1 and id = any($2) and status not in ('accepted', 'queued', 'sending')
            order by id for update
            """;

        /// <summary>$1–$3 final status and error per notification; $4–$7 one history row per step, in order.</summary>
        public const string WriteSteps = """
            with u as (
                update notifications n set status = f.status, last_error = coalesce(f.error, n.last_error), updated_at = now()
                from unnest($1::uuid[], $2::text[], $3::text[]) as f(id, status, error) where n.id = f.id
            )
            insert into notification_events (notification_id, status, source, detail)
            select h.id, h.status, h.source, h.detail
            from unnest($4::uuid[], $5::text[], $6::text[], $7::text[]) with ordinality as h(id, status, detail, source, ord)
            order by h.ord
            """;

        public const string LockForCancel = """
            select status, job_id, channel, recipient::text, metadata::text from notifications where tenant_id = $1 and id = $2 for update
            """;

        public const string Cancel = """
            with u as (update notifications set status = 'cancelled', updated_at = now() where id = $1 returning id)
            insert into notification_events (notification_id, status, source) select id, 'cancelled', 'api' from u
            """;

        /// <summary>
        /// $1 tenants, $2 ids, $3 why, aligned: notifications whose delivery job the queue set aside. Those still queued or
        /// sending → failed, the reason their last error and their history row's detail (source `system`: no attempt said so).
        /// </summary>
        public const string FailSetAside = """
            with old as (
                select n.id, n.status, x.reason from notifications n
                join unnest($1::uuid[], $2::uuid[], $3::text[]) as x(tenant_id, id, reason) on n.tenant_id = x.tenant_id and n.id = x.id
                where n.status in ('queued', 'sending')
                for update of n
            ), u as (
                update notifications n set status = 'failed', last_error = old.reason, updated_at = now()
                from old where n.id = old.id
                returning n.id, n.tenant_id, n.channel, old.status as previous, old.reason, n.recipient::text, n.metadata::text
            ), e as (
                insert into notification_events (notification_id, status, source, detail) select id, 'failed', 'system', reason from u
            )
            select id, tenant_id, channel, previous, reason, recipient, metadata from u
            """;

        /// <summary>$1 tenant, $2 ids, $3 why. failed or waiting-to-retry → queued.</summary>
        public const string Requeue = """
            with old as (
                select id, status from notifications where tenant_id = $1 and id = any($2) and status in ('failed', 'sending') for update
            ), u as (
                update notifications n set status = 'queued', last_error = null, updated_at = now()
                from old where n.id = old.id
                returning n.id, n.channel, old.status as previous, n.recipient::text, n.metadata::text
            ), e as (
                insert into notification_events (notification_id, status, source, detail) select id, 'queued', 'api', $3 from u
            )
            select id, channel, previous, recipient, metadata from u
            """;
    }
}
