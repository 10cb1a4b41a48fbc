using NotificationService.Infrastructure;
namespace NotificationService.Features.Sending.Topics;

public sealed partial class TopicStore
{
    /// <summary>The statements on `topics` and `topic_members`, one named constant each. Only this store writes them.</summary>
    private static class Sql
    {
        private const string Columns = "key, name, description, member_count, created_at, updated_at";

        /// <summary>$1 tenant, $2 key, $3 name, $4 description. Returns the topic and whether it was created.</summary>
        public const string Upsert = """
            insert into topics as t (tenant_id, key, name, description) values ($1, $2, $3, $4)
            on conflict (tenant_id, key) do update set name = excluded.name, description = excluded.description, updated_at = now()
            returning t.key, t.name, t.description, t.member_count, t.created_at, t.updated_at, t.xmax = 0
            """;

        public const string Find = "select " + Columns + " from topics where tenant_id = $1 and key = $2";

        /// <summary>$1 tenant, $2 keys: those that exist, with their member counts.</summary>
        public const string Existing = "select key, member_count from topics where tenant_id = $1 and key = any($2)";

        /// <summary>$1 tenant, $2 key. Every membership change and the delete take the topic's row first: one at a time per
        /// topic.</summary>
        public const string Lock = "select 1 from topics where tenant_id = $1 and key = $2 for update";

        /// <summary>$1 tenant, $2 after this key (the cursor), $3 page size. Keyset on the primary key.</summary>
        public const string List = "select " + Columns
            + $" from topics where tenant_id = $1 and key > coalesce($2::text, {KeysetBound.FirstText}) order by key limit $3";

        /// <summary>
        /// $1 tenant, $2 key, $3 userIds (distinct, in byte order). Inserts the members that are not in yet and adds exactly
        /// those to the counter, in one statement; the row was locked by <see cref="Lock"/>. A new member's joined_seq is
        /// the tenant's topic-event sequence now: the live stream shows it events published from here on.
        /// </summary>
        public const string Add = """
            with ins as (
                insert into topic_members (tenant_id, topic_key, user_id, joined_seq)
                select $1, $2, u, coalesce((select last_seq from topic_event_counters where tenant_id = $1), 0)
                from unnest($3::text[]) as u
                on conflict do nothing
                returning 1
            ), counted as (
                update topics set member_count = member_count + (select count(*) from ins), updated_at = now()
                where tenant_id = $1 and key = $2
                returning member_count
            )
            select (select count(*) from ins)::int, (select member_count from counted)
            """;

        /// <summary>$1 tenant, $2 key, $3 userIds. Deletes the members named and takes exactly those off the counter.</summary>
        public const string Remove = """
            with del as (
                delete from topic_members where tenant_id = $1 and topic_key = $2 and user_id = any($3)
                returning 1
            ), counted as (
                update topics set member_count = member_count - (select count(*) from del), updated_at = now()
                where tenant_id = $1 and key = $2
                returning member_count
            )
            select (select count(*) from del)::int, (select member_count from counted)
            """;

        /// <summary>$1 tenant, $2 key: after <see cref="Lock"/>, in a statement of its own (its snapshot sees every member added
        /// before the lock).</summary>
        public const string DeleteMembers = "delete from topic_members where tenant_id = $1 and topic_key = $2";

        public const string Delete = "delete from topics where tenant_id = $1 and key = $2";

        /// <summary>$1 tenant, $2 key, $3 after this userId, $4 page size.</summary>
        public const string Members = $"""
            select user_id, added_at from topic_members where tenant_id = $1 and topic_key = $2 and user_id > coalesce($3::text, {KeysetBound.FirstText})
            order by user_id limit $4
            """;

        /// <summary>$1 tenant, $2 userId, $3 after this key, $4 page size.</summary>
        public const string OfUser = $"""
            select m.topic_key, t.name, m.added_at from topic_members m
            join topics t on t.tenant_id = m.tenant_id and t.key = m.topic_key
            where m.tenant_id = $1 and m.user_id = $2 and m.topic_key > coalesce($3::text, {KeysetBound.FirstText})
            order by m.topic_key limit $4
            """;

        /// <summary>$1 tenant, $2 key, $3 userIds: which of them are members now.</summary>
        public const string MembersAmong =
            "select user_id from topic_members where tenant_id = $1 and topic_key = $2 and user_id = any($3)";

        /// <summary>$1 channel, $2 payload: announces a membership change to the live streams of every replica, at commit.</summary>
        public const string Announce = "select pg_notify($1, $2)";
    }
}
