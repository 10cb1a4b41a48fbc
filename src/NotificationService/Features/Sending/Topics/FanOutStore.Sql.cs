namespace NotificationService.Features.Sending.Topics;

public sealed partial class FanOutStore
{
    /// <summary>The statements on `fan_outs` and `fan_out_chunks`, one named constant each. Only this store writes them.</summary>
    private static class Sql
    {
        /// <summary>$1 tenant, $2 id, $3 topics, $4 definition (what each member gets, as JSON: the accepted send, or a workflow
        /// trigger), $5 kind, $6 the send's quota charge at accept (JSON lines, or null).</summary>
        public const string Create = """
            insert into fan_outs (tenant_id, id, status, topics, definition, kind, quota_prepaid) values ($1, $2, 'pending', $3, $4::jsonb, $5, $6::jsonb)
            """;

        /// <summary>$1 tenant, $2 id. Takes the fan-out for a run; nothing when it has ended (or was cancelled before it began).</summary>
        public const string Start = """
            update fan_outs set status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
            where tenant_id = $1 and id = $2 and status in ('pending', 'running')
            returning topics, definition::text, members_total, quota_prepaid::text
            """;

        /// <summary>$1 tenant, $2 id: the row a snapshot is taken under (a cancel waits for it, and it sees a cancel).</summary>
        public const string LockRunning = """
            select members_total, quota_limits::text from fan_outs where tenant_id = $1 and id = $2 and status = 'running' for update
            """;

        /// <summary>$1 tenant, $2 id, $3 the quota limits its snapshot settled (<see cref="FanOutQuota"/>).</summary>
        public const string KeepQuotaLimits = "update fan_outs set quota_limits = $3::jsonb where tenant_id = $1 and id = $2";

        /// <summary>
        /// $1 tenant, $2 fan-out, $3 its topics, $4 userIds it excludes, $5 members per chunk. The membership as this
        /// statement sees it, each member once however many of the topics it is in (with a bit mask of those, $3's order),
        /// the excluded left out, copied in chunks of $5 member ids in userId order; returns how many members were taken.
        /// </summary>
        public const string Snapshot = """
            with members as (
                select m.user_id, bit_or(1 << (array_position($3::text[], m.topic_key::text) - 1)) as mask
                from topic_members m
                where m.tenant_id = $1 and m.topic_key = any($3::text[])
                  and not exists (select 1 from unnest($4::text[]) as x(user_id) where x.user_id = m.user_id)
                group by m.user_id
            ), numbered as (
                select user_id, mask, ((row_number() over (order by user_id)) - 1) / $5 as chunk_no from members
            ), chunks as (
                insert into fan_out_chunks (tenant_id, fan_out_id, chunk_no, user_ids, topic_masks)
                select $1, $2, chunk_no, array_agg(user_id order by user_id),
                       case when cardinality($3::text[]) > 1 then array_agg(mask order by user_id) end
                from numbered group by chunk_no
                returning cardinality(user_ids) as n
            )
            update fan_outs set members_total = (select coalesce(sum(n), 0) from chunks), updated_at = now()
            where tenant_id = $1 and id = $2
            returning members_total
            """;

        /// <summary>$1 tenant, $2 fan-out, $3 after this chunk: the next chunk not yet consumed.</summary>
        public const string NextChunk = """
            select chunk_no, user_ids, topic_masks from fan_out_chunks
            where tenant_id = $1 and fan_out_id = $2 and chunk_no > $3 order by chunk_no limit 1
            """;

        /// <summary>$1 tenant, $2 fan-out, $3 chunk: consumed by the transaction that creates its notifications (no row: taken
        /// already); returns its members as they are now (an erase may have taken one out since the chunk was read).</summary>
        public const string Consume =
            "delete from fan_out_chunks where tenant_id = $1 and fan_out_id = $2 and chunk_no = $3 returning user_ids";

        /// <summary>
        /// $1 tenant: the running fan-outs' rows, locked FOR KEY SHARE until the erase's commit. That waits for a snapshot
        /// being taken (it holds its row FOR UPDATE), so the chunks it copies are seen, and not for a chunk's commit (its
        /// counters take FOR NO KEY UPDATE, which KEY SHARE lets through), so the erase and a chunk never wait for each other.
        /// </summary>
        public const string WaitForSnapshots = "select id from fan_outs where tenant_id = $1 and status = 'running' for key share";

        /// <summary>$1 tenant, $2 userId: the user out of every pending chunk of the tenant's fan-outs, with their topic mask;
        /// returns the fan-outs.</summary>
        public const string ForgetMemberInChunks = """
            update fan_out_chunks c set
                user_ids = array_remove(c.user_ids, $2::text),
                topic_masks = case when c.topic_masks is not null then coalesce((
                    select array_agg(x.mask order by x.i) from unnest(c.user_ids, c.topic_masks) with ordinality as x(user_id, mask, i)
                    where x.user_id <> $2::text), '{}') end
            where c.tenant_id = $1 and $2::text = any(c.user_ids)
            returning c.fan_out_id
            """;

        /// <summary>$1 tenant, $2 userId: the user out of every fan-out's exclude list (a send's `recipient.excludeUserIds`, a
        /// workflow trigger's `excludeUserIds`); returns the fan-outs.</summary>
        public const string ForgetExcluded = """
            update fan_outs f set definition = jsonb_set(f.definition, p.path,
                coalesce((select jsonb_agg(e) from jsonb_array_elements(f.definition #> p.path) e where e <> to_jsonb($2::text)), '[]'))
            from (values ('send', '{recipient,excludeUserIds}'::text[]), ('workflow', '{excludeUserIds}'::text[])) as p(kind, path)
            where f.tenant_id = $1 and f.kind = p.kind and f.definition #> p.path ? $2::text
            returning f.id
            """;

        /// <summary>$1 tenant, $2 id, $3 members, $4 notifications. 0 rows: the fan-out was cancelled meanwhile (the chunk rolls
        /// back).</summary>
        public const string Record = """
            update fan_outs set members_done = members_done + $3, notifications_created = notifications_created + $4, updated_at = now()
            where tenant_id = $1 and id = $2 and status = 'running'
            """;

        /// <summary>$1 tenant, $2 id, $3 members, $4 runs: <see cref="Record"/> for a workflow fan-out.</summary>
        public const string RecordRuns = """
            update fan_outs set members_done = members_done + $3, runs_started = runs_started + $4, updated_at = now()
            where tenant_id = $1 and id = $2 and status = 'running' and kind = 'workflow'
            """;

        /// <summary>$1 tenant, $2 id: completed once every chunk was consumed.</summary>
        public const string Complete = """
            update fan_outs set status = 'completed', finished_at = now(), updated_at = now()
            where tenant_id = $1 and id = $2 and status = 'running'
              and not exists (select 1 from fan_out_chunks where tenant_id = $1 and fan_out_id = $2)
            """;

        public const string Fail = """
            update fan_outs set status = 'failed', error = $3, finished_at = now(), updated_at = now()
            where tenant_id = $1 and id = $2 and status in ('pending', 'running')
            """;

        /// <summary>$1 tenant, $2 id, $3 kind (each kind is cancelled through its own API).</summary>
        public const string Cancel = """
            update fan_outs set status = 'cancelled', finished_at = now(), updated_at = now()
            where tenant_id = $1 and id = $2 and status in ('pending', 'running') and kind = $3
            """;

        public const string DropChunks = "delete from fan_out_chunks where tenant_id = $1 and fan_out_id = $2";

        /// <summary>$1 tenant, $2 fan-out: the chunks no commit holds (one being committed rolls back, and its runner drops it).</summary>
        public const string DropIdleChunks = """
            delete from fan_out_chunks where (tenant_id, fan_out_id, chunk_no) in (
                select tenant_id, fan_out_id, chunk_no from fan_out_chunks where tenant_id = $1 and fan_out_id = $2 for update skip locked)
            """;

        // What a fan-out has created: notifications for a send, runs for a workflow (FanOutStatus.NotificationsCreated).
        private const string Columns = """
            id, status, topics, members_total, members_done,
            case kind when 'workflow' then runs_started else notifications_created end, error, created_at, started_at, finished_at,
            extract(epoch from coalesce(finished_at, now()) - started_at)::float8
            """;

        /// <summary>$1 tenant, $2 id, $3 kind.</summary>
        public const string Get = "select " + Columns + " from fan_outs where tenant_id = $1 and id = $2 and kind = $3";

        /// <summary>$1 tenant, $2 topic, $3 how many: the topic's latest fan-outs, newest first (the console).</summary>
        public const string OfTopic = "select " + Columns
            + " from fan_outs where tenant_id = $1 and $2 = any(topics) and kind = 'send' order by created_at desc limit $3";
    }
}
