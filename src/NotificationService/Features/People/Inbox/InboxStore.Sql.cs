namespace NotificationService.Features.People.Inbox;

/// <summary>
/// The inbox's statements. Every row change bumps the user's counters and appends its events in the same statement,
/// so counts are read (never counted) and the stream can replay exactly what changed. NOTIFY is transactional: the
/// announcement (tenant:user, ids only) reaches the other replicas' LISTEN connections only if the change commits.
/// </summary>
public sealed partial class InboxStore
{
    internal const string NotifyChannel = "inbox_events";

    /// <summary>What a client sees of an item (alias-free columns of inbox_items).</summary>
    internal const string ItemJson = """
        jsonb_build_object('id', notification_id, 'title', title, 'body', body, 'actionUrl', action_url, 'icon', icon,
            'category', category, 'data', data, 'createdAt', created_at, 'seenAt', seen_at, 'readAt', read_at,
            'archivedAt', archived_at, 'expiresAt', expires_at, 'actions', actions, 'thread', thread)
        """;

    /// <summary>Items that have not passed their expiry (expired ones are hidden at once, and swept out of the counts).</summary>
    internal const string Live = "(expires_at is null or expires_at > now())";

    /// <summary>
    /// Delivered in_app rows ($1 ids, $2 tenants, $3 users, $4 titles, $5 bodies, $6 action urls, $7 icons,
    /// $8 categories, $9 data as json text, $10 expiries, $11 action buttons as json text, $12 thread keys).
    /// A redelivered id adds nothing. Each user's new items get
    /// consecutive event numbers and one `counts` event closes the batch.
    /// </summary>
    internal const string Deliver = $"""
        with ins as (
            insert into inbox_items (notification_id, tenant_id, user_id, title, body, action_url, icon, category, data, expires_at, actions, thread)
            select id, tenant_id, user_id, title, body, action_url, icon, category, data::jsonb, expires_at, actions::jsonb, thread
            from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],
                    $11::text[], $12::text[])
                as x(id, tenant_id, user_id, title, body, action_url, icon, category, data, expires_at, actions, thread)
            on conflict (notification_id) do nothing
            returning *
        ), per_user as (
            select tenant_id, user_id, count(*)::int as n from ins group by tenant_id, user_id order by tenant_id, user_id
        ), bumped as (
            insert into inbox_counters as c (tenant_id, user_id, unread, unseen, total, last_seq)
            select tenant_id, user_id, n, n, n, n + 1 from per_user
            on conflict (tenant_id, user_id) do update set unread = c.unread + excluded.unread, unseen = c.unseen + excluded.unseen,
                total = c.total + excluded.total, last_seq = c.last_seq + excluded.last_seq
            returning tenant_id, user_id, unread, unseen, total, last_seq
        ), numbered as (
            select i.*, b.last_seq - count(*) over w - 1 + row_number() over (w order by i.notification_id) as seq
            from ins i join bumped b on b.tenant_id = i.tenant_id and b.user_id = i.user_id
            window w as (partition by i.tenant_id, i.user_id)
        ), events as (
            insert into inbox_events (tenant_id, user_id, seq, kind, payload)
            select tenant_id, user_id, seq, 'notification.created', {ItemJson} from numbered
            union all
            select tenant_id, user_id, last_seq, 'counts', jsonb_build_object('unread', unread, 'unseen', unseen, 'total', total) from bumped
        )
        select count(pg_notify('{NotifyChannel}', tenant_id::text || ':' || user_id)) from bumped
        """;

    /// <summary>Erase: $1 tenant, $2 user. The counters, the stream's events and any item left (live ones, by their index) go.</summary>
    internal const string ForgetUser = """
        with items as (delete from inbox_items where tenant_id = $1 and user_id = $2),
             events as (delete from inbox_events where tenant_id = $1 and user_id = $2)
        delete from inbox_counters where tenant_id = $1 and user_id = $2
        """;

    /// <summary>
    /// A live application event to users ($1 tenant, $2 users, distinct, $3 kind `app.&lt;type&gt;`, $4 data):
    /// each gets the next number of its own sequence and one event row; no item, no count changes. Returns how many users.
    /// </summary>
    internal const string PublishApp = $"""
        with bumped as (
            insert into inbox_counters as c (tenant_id, user_id, last_seq)
            select $1, u, 1 from unnest($2::text[]) as u order by u   -- counter rows locked in the order every writer uses
            on conflict (tenant_id, user_id) do update set last_seq = c.last_seq + 1
            returning user_id, last_seq
        ), events as (
            insert into inbox_events (tenant_id, user_id, seq, kind, payload)
            select $1, user_id, last_seq, $3, $4::jsonb from bumped
        )
        select count(pg_notify('{NotifyChannel}', $1::text || ':' || user_id)) from bumped
        """;

    /// <summary>
    /// A live digest's item says more ($1 tenant, $2 user, $3 notification id, $4 title, $5 body): its text is replaced and it
    /// is unseen and unread again, the counters moving by what it counted for before; one `notification.updated`
    /// (`revised`, with the item) and one `counts` event follow. An archived item stays archived (and out of the counts).
    /// Returns whether it was read before (the read subscribers hear `unread`).
    /// </summary>
    internal const string Revise = $"""
        with target as (
            select notification_id, read_at, seen_at, archived_at from inbox_items
            where tenant_id = $1 and user_id = $2 and notification_id = $3 and deleted_at is null and {Live}
            for update
        ), changed as (
            update inbox_items i set title = $4, body = $5, read_at = null, seen_at = null from target t
            where i.notification_id = t.notification_id
            returning i.*, t.read_at as was_read, t.seen_at as was_seen
        ), bumped as (
            update inbox_counters c set
                unread = c.unread + (select count(*) from changed where archived_at is null and was_read is not null)::int,
                unseen = c.unseen + (select count(*) from changed where archived_at is null and was_seen is not null)::int,
                last_seq = c.last_seq + 2
            where c.tenant_id = $1 and c.user_id = $2 and exists (select 1 from changed)
            returning c.unread, c.unseen, c.total, c.last_seq
        ), events as (
            insert into inbox_events (tenant_id, user_id, seq, kind, payload)
            select $1, $2, b.last_seq - 1, 'notification.updated',
                jsonb_build_object('change', 'revised', 'ids', jsonb_build_array(ch.notification_id), 'at', now(), 'item', {ItemJson})
            from bumped b, changed ch
            union all
            select $1, $2, last_seq, 'counts', jsonb_build_object('unread', unread, 'unseen', unseen, 'total', total) from bumped
        )
        select (select count(pg_notify('{NotifyChannel}', $1::text || ':' || $2)) from bumped), (select was_read is not null from changed)
        """;

    /// <summary>Locks the user's counter row first, so one user's changes (from any tab) apply one after another.</summary>
    internal const string LockUser = "select last_seq from inbox_counters where tenant_id = $1 and user_id = $2 for update";

    /// <summary>
    /// One change to a user's items ($1 tenant, $2 user, $3 ids or null for all, $4 category or null, $5 change name).
    /// {target} selects the rows the change applies to and {set} applies it; the counters move by the difference
    /// between what the rows counted for before and after; one `notification.updated` and one `counts` event follow.
    /// </summary>
    internal const string Change = $"""
        with target as (
            select notification_id, read_at, seen_at, archived_at from inbox_items
            where tenant_id = $1 and user_id = $2 and deleted_at is null
              and ($3::uuid[] is null or notification_id = any($3)) and ($4::text is null or category = $4) and ({"{target}"})
            for update
        ), changed as (
            update inbox_items i set {"{set}"} from target t
            where i.notification_id = t.notification_id
            returning i.notification_id, i.read_at, i.seen_at, i.archived_at, i.deleted_at,
                t.read_at as was_read, t.seen_at as was_seen, t.archived_at as was_archived
        ), delta as (
            select count(*)::int as n,
                coalesce(sum((deleted_at is null and archived_at is null)::int - (was_archived is null)::int), 0)::int as total,
                coalesce(sum((deleted_at is null and archived_at is null and read_at is null)::int
                    - (was_archived is null and was_read is null)::int), 0)::int as unread,
                coalesce(sum((deleted_at is null and archived_at is null and seen_at is null)::int
                    - (was_archived is null and was_seen is null)::int), 0)::int as unseen
            from changed
        ), bumped as (
            update inbox_counters c set total = c.total + d.total, unread = c.unread + d.unread, unseen = c.unseen + d.unseen,
                last_seq = c.last_seq + 2
            from delta d where c.tenant_id = $1 and c.user_id = $2 and d.n > 0
            returning c.unread, c.unseen, c.total, c.last_seq
        ), events as (
            insert into inbox_events (tenant_id, user_id, seq, kind, payload)
            select $1, $2, last_seq - 1, 'notification.updated',
                jsonb_build_object('change', $5::text, 'ids', (select jsonb_agg(notification_id) from changed), 'at', now()) from bumped
            union all
            select $1, $2, last_seq, 'counts', jsonb_build_object('unread', unread, 'unseen', unseen, 'total', total) from bumped
        )
        select (select n from delta), (select count(pg_notify('{NotifyChannel}', $1::text || ':' || $2)) from bumped){"{ids}"}
        """;

    /// <summary>
    /// One page of a user's items, newest first ($1 tenant, $2 user, $3 status unread|read|all, $4 archived
    /// exclude|include|only, $5 category or null, $6/$7 the cursor's created_at and id or null, $8 page size + 1).
    /// </summary>
    internal const string List = $"""
        select {ItemJson}::text, created_at, notification_id from inbox_items
        where tenant_id = $1 and user_id = $2 and deleted_at is null and {Live}
          and ($3::text = 'all' or ($3 = 'unread') = (read_at is null))
          and ($4::text = 'include' or ($4 = 'only') = (archived_at is not null))
          and ($5::text is null or category = $5)
          and ($6::timestamptz is null or (created_at, notification_id) < ($6, $7::uuid))
        order by created_at desc, notification_id desc
        limit $8
        """;

    /// <summary>Locks a batch of counter rows after ($2, $3) in key order ($1 tenant or null, $4 batch size).</summary>
    internal const string RecountLock = """
        select tenant_id, user_id from inbox_counters
        where ($1::uuid is null or tenant_id = $1) and (tenant_id, user_id) > ($2::uuid, $3::text)
        order by tenant_id, user_id limit $4
        for update
        """;

    /// <summary>
    /// Sets the locked users' counters ($1 tenants, $2 users) to a COUNT(*) of their rows, in a statement of its own so
    /// its snapshot sees everything committed before the locks were taken; returns how many were wrong.
    /// </summary>
    internal const string RecountApply = $"""
        with actual as (
            select u.tenant_id, u.user_id,
                count(i.notification_id) filter (where i.archived_at is null)::int as total,
                count(i.notification_id) filter (where i.archived_at is null and i.read_at is null)::int as unread,
                count(i.notification_id) filter (where i.archived_at is null and i.seen_at is null)::int as unseen
            from unnest($1::uuid[], $2::text[]) as u(tenant_id, user_id)
            left join inbox_items i on i.tenant_id = u.tenant_id and i.user_id = u.user_id and i.deleted_at is null
            group by u.tenant_id, u.user_id
        )
        update inbox_counters c set total = a.total, unread = a.unread, unseen = a.unseen
        from actual a
        where c.tenant_id = a.tenant_id and c.user_id = a.user_id and (c.total, c.unread, c.unseen) <> (a.total, a.unread, a.unseen)
        """;

    /// <summary>Counter rows for users who have items but no counters yet ($1 tenant or null), so a recount covers them.</summary>
    internal const string RecountMissing = """
        insert into inbox_counters (tenant_id, user_id)
        select distinct tenant_id, user_id from inbox_items where ($1::uuid is null or tenant_id = $1) and deleted_at is null
        on conflict do nothing
        """;
}
