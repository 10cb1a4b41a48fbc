using NotificationService.Infrastructure;
namespace NotificationService.Features.People.Recipients;

public sealed partial class ProfileStore
{
    /// <summary>The profile table's statements, one named constant each. Only this store names `recipient_profiles`.</summary>
    private static class Sql
    {
        private const string Columns =
            "user_id, email, phone, name, locale, timezone, avatar_url, data::text, created_at, updated_at, chat::text";

        /// <summary>$1 tenant, $2 userId.</summary>
        public const string Find = "select " + Columns + " from recipient_profiles where tenant_id = $1 and user_id = $2";

        /// <summary>$1 tenant, $2 userIds: the profiles a merge applies to, locked until the write commits.</summary>
        public const string Lock =
            "select " + Columns + " from recipient_profiles where tenant_id = $1 and user_id = any($2) order by user_id for update";

        /// <summary>
        /// $1 tenants, $2 userIds (each distinct): every profile a claimed delivery batch needs. `= any` on both key
        /// columns is one index scan over the sorted keys; a join to unnest($1, $2) ran an index scan per pair and cost
        /// PostgreSQL a quarter more (pgbench, 100 users of 100,000). A batch spans few tenants, so the pairs the cross
        /// product adds are few; the caller drops them.
        /// </summary>
        public const string FindPairs =
            "select tenant_id, " + Columns + " from recipient_profiles where tenant_id = any($1) and user_id = any($2)";

        /// <summary>$1 tenant, $2 userIds: the locales of those that have one (template variant selection at accept).</summary>
        public const string Locales =
            "select user_id, locale from recipient_profiles where tenant_id = $1 and user_id = any($2) and locale is not null";

        /// <summary>
        /// $1 tenant, $2 after this userId (the cursor), $3 exact email (normalized), $4 exact phone, $5 userId prefix, $6 page
        /// size. Keyset on the primary key, whose byte-wise collation makes a prefix a range of it.
        /// </summary>
        public const string List = $"""
            select user_id, email, phone, name, locale, timezone, avatar_url, data::text, created_at, updated_at, chat::text from recipient_profiles
            where tenant_id = $1 and user_id > coalesce($2::text, {KeysetBound.FirstText})
              and ($3::text is null or email = $3) and ($4::text is null or phone = $4)
              and ($5::text is null or (user_id >= $5 and user_id < $5 || chr(1114111) and starts_with(user_id, $5)))
            order by user_id limit $6
            """;

        /// <summary>
        /// $1 tenant, $2–$10 one array per column: every profile of a request in one statement. Returns each row, and whether
        /// it was inserted (xmax is 0 only for a row this statement created) rather than updated.
        /// </summary>
        public const string Upsert = """
            insert into recipient_profiles as p (tenant_id, user_id, email, phone, name, locale, timezone, avatar_url, data, chat)
            select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::jsonb[])
            on conflict (tenant_id, user_id) do update set
                email = excluded.email, phone = excluded.phone, name = excluded.name, locale = excluded.locale,
                timezone = excluded.timezone, avatar_url = excluded.avatar_url, data = excluded.data, chat = excluded.chat, updated_at = now()
            returning p.user_id, p.xmax = 0, p.created_at, p.updated_at
            """;
    }
}
