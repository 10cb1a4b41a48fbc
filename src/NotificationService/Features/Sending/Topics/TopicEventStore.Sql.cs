namespace NotificationService.Features.Sending.Topics;

public sealed partial class TopicEventStore
{
    /// <summary>The statements on `topic_events` and `topic_event_counters`. Only this store writes them.</summary>
    private static class Sql
    {
        /// <summary>
        /// $1 tenant, $2 topics, $3 type, $4 data, $5 NOTIFY channel, $6 and $7 the announcements' prefixes (numbered, and
        /// the one replicas before 2026-11-24 read: StreamAnnouncements). Takes the tenant's next topic-event number (the
        /// counter row's lock orders a tenant's topic events by commit), stores the event once per topic named (never per
        /// member) and announces each topic at commit, with the number. Returns the number.
        /// </summary>
        public const string Publish = """
            with numbered as (
                insert into topic_event_counters as c (tenant_id, last_seq) values ($1, 1)
                on conflict (tenant_id) do update set last_seq = c.last_seq + 1
                returning last_seq
            ), stored as (
                insert into topic_events (tenant_id, topic_key, seq, type, data)
                select $1, t, (select last_seq from numbered), $3, $4::jsonb from unnest($2::text[]) as t
            )
            select (select last_seq from numbered),
                   (select count(pg_notify($5, $6 || $1::text || ':' || (select last_seq from numbered) || ':' || t))
                         + count(pg_notify($5, $7 || $1::text || ':' || t)) from unnest($2::text[]) as t)
            """;

        /// <summary>$1 tenant, $2 number: the event's type and data (the same in each topic's row).</summary>
        public const string Event = "select type, data::text from topic_events where tenant_id = $1 and seq = $2 limit 1";

        /// <summary>$1 tenant, $2 userId: the tenant's last topic-event number, the oldest kept, and the user's topics.</summary>
        public const string Position = """
            select coalesce((select last_seq from topic_event_counters where tenant_id = $1), 0),
                   (select min(seq) from topic_events where tenant_id = $1),
                   array(select topic_key::text from topic_members where tenant_id = $1 and user_id = $2 order by topic_key)
            """;

        /// <summary>
        /// One read per stream ($1 tenants, $2 users, $3 after this number, $4 at most this many): the events of the topics
        /// the user is a member of now, published after it joined, each once (an event to two of its topics is one number),
        /// in order. An index range per topic of the user's, so other topics' traffic is never scanned.
        /// </summary>
        public const string After = """
            select q.i, e.seq, e.type, e.data::text
            from unnest($1::uuid[], $2::text[], $3::bigint[], $4::int[]) with ordinality as q(tenant_id, user_id, after_seq, max_rows, i)
            cross join lateral (
                select distinct on (e.seq) e.seq, e.type, e.data
                from topic_members m
                join topic_events e on e.tenant_id = m.tenant_id and e.topic_key = m.topic_key and e.seq > greatest(q.after_seq, m.joined_seq)
                where m.tenant_id = q.tenant_id and m.user_id = q.user_id
                order by e.seq
                limit q.max_rows) e
            order by q.i, e.seq
            """;

        /// <summary>$1 older than, $2 at most this many.</summary>
        public const string Purge =
            "delete from topic_events where ctid = any(array(select ctid from topic_events where created_at < $1 limit $2))";
    }
}
