-- Issue 32: topics (named groups of userIds), sends to topics (fan-outs) and live application events.
-- Owners: topics, topic_members (Features/Topics/TopicStore), fan_outs, fan_out_chunks (FanOutStore),
-- topic_events, topic_event_counters (TopicEventStore). No foreign keys, as for notifications (145): membership calls
-- write up to 10,000 rows per statement, and the writers keep what a key would check (a member is only added while its
-- topic's row is locked; deleting a topic deletes its members in the same transaction).

-- member_count is kept by the statement that changes the membership (only rows actually inserted or deleted count), so
-- it is exact and read in O(1). Keys compare byte-wise (collate "C"): the primary key then serves keyset lists.
create table topics (
    tenant_id uuid not null,
    key text collate "C" not null check (key ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$'),
    name text,
    description text,
    member_count bigint not null default 0 check (member_count >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, key)
);

-- joined_seq: the tenant's topic-event sequence when the member joined. A live stream shows a member the topic's
-- events published after it (not the backlog of a topic just joined), as long as it is still a member.
create table topic_members (
    tenant_id uuid not null,
    topic_key text collate "C" not null,
    user_id text collate "C" not null,
    joined_seq bigint not null default 0,
    added_at timestamptz not null default now(),
    primary key (tenant_id, topic_key, user_id)
);
-- A user's topics (GET /users/{userId}/topics, the live stream's topic reads): index-only on this one.
create index topic_members_by_user on topic_members (tenant_id, user_id, topic_key);

-- A send to topics. definition: the send's shared part (channels, template or content, data, category, …) and its
-- excludeUserIds, as accepted. members_total is null until the snapshot is taken.
create table fan_outs (
    tenant_id uuid not null,
    id uuid not null,
    status text not null check (status in ('pending', 'running', 'completed', 'failed', 'cancelled')),
    topics text[] not null,
    definition jsonb not null,
    members_total bigint,
    members_done bigint not null default 0,
    notifications_created bigint not null default 0,
    error text,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
create index fan_outs_recent on fan_outs (tenant_id, created_at desc);

-- The membership as it stood when the fan-out started, copied in chunks of member ids (one row per chunk, not per
-- member). A chunk's row is deleted in the transaction that creates its notifications: a chunk is consumed once, so a
-- crash (rolled back, the row is still there) or a second runner (its delete finds nothing) can neither skip nor
-- repeat a member. topic_masks[i]: which of the send's topics (bit i) user_ids[i] was reached through; null when the
-- send names one topic.
create table fan_out_chunks (
    tenant_id uuid not null,
    fan_out_id uuid not null,
    chunk_no int not null,
    user_ids text[] not null,
    topic_masks int[],
    primary key (tenant_id, fan_out_id, chunk_no)
);

-- The database's own word on "one notification per (fan-out, user, channel)": a fan-out's notifications carry the
-- fan-out id in batch_id and their topics in the recipient, and only they are in this partial index, so other
-- notifications pay nothing but the predicate. Built without CONCURRENTLY (migrations run in a transaction); the
-- predicate matches no existing row, so it costs one scan of the table at upgrade.
create unique index notifications_fan_out_once on notifications (tenant_id, batch_id, (recipient->>'userId'), channel)
    where recipient ? 'topics';

-- Live events to topics: stored once per topic named (not once per member) and numbered by the tenant's topic-event
-- sequence. The counter row serialises a tenant's topic events, so they commit in sequence order and a stream that has
-- read up to n has seen everything up to n.
create table topic_event_counters (
    tenant_id uuid primary key,
    last_seq bigint not null default 0
);
create table topic_events (
    tenant_id uuid not null,
    topic_key text collate "C" not null,
    seq bigint not null,
    type text not null,
    data jsonb not null,
    created_at timestamptz not null default now(),
    primary key (tenant_id, topic_key, seq)
);
create index topic_events_by_seq on topic_events (tenant_id, seq);
create index topic_events_age on topic_events (created_at);

-- Live events to users ride the user's own stream sequence, as rows of inbox_events with kind `app.<type>`.
alter table inbox_events drop constraint inbox_events_kind_check;
alter table inbox_events add constraint inbox_events_kind_check
    check (kind in ('notification.created', 'notification.updated', 'counts') or kind like 'app.%');

-- A user may mute a topic: {"building-12": false}.
alter table user_preferences add column topics jsonb not null default '{}';

-- Two new scopes: topics:write and topics:read. Every scope of migration 600 is listed again (a constraint can only be
-- replaced whole).
alter table service_accounts drop constraint service_accounts_scopes_check;
alter table service_accounts add constraint service_accounts_scopes_check check (scopes <@ array[
    'notifications:send', 'notifications:read', 'admin', 'notifications:override', 'users:preferences', 'users:token',
    'users:read', 'users:write', 'users:erase', 'topics:write', 'topics:read']::text[]);
