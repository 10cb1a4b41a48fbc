-- End users (issue 14): the inbox gets the fields a client shows, per-user counters for every count the badge
-- needs, a per-user event log for the live stream, the keys that sign end-user tokens, and stream tickets.

alter table inbox_items
    add column category text,
    add column data jsonb,
    add column seen_at timestamptz,
    add column archived_at timestamptz,
    add column expires_at timestamptz;

-- The list's keyset order (newest first, id as the tie-break) for one user.
drop index if exists inbox_items_tenant_id_user_id_created_at_idx;
create index inbox_items_user_list on inbox_items (tenant_id, user_id, created_at desc, notification_id desc) where deleted_at is null;
-- Items whose expiry is still to be swept: usually none per user, so checking on read is one index probe.
create index inbox_items_expiring on inbox_items (tenant_id, user_id, expires_at) where expires_at is not null and deleted_at is null;
create index inbox_items_expiring_all on inbox_items (expires_at) where expires_at is not null and deleted_at is null;

-- Counters cover visible items: not deleted, not archived, not expired. last_seq is the user's event sequence:
-- bumping it on the same row as the counts serialises a user's changes and numbers their events without gaps.
alter table inbox_counters
    add column unseen int not null default 0 check (unseen >= 0),
    add column total int not null default 0 check (total >= 0),
    add column last_seq bigint not null default 0;
update inbox_counters c set unseen = x.unseen, total = x.total
from (select tenant_id, user_id, count(*) filter (where seen_at is null) unseen, count(*) total
      from inbox_items where deleted_at is null group by 1, 2) x
where c.tenant_id = x.tenant_id and c.user_id = x.user_id;

-- What the live stream replays after a reconnect (Last-Event-ID = seq), kept at least 24 hours.
create table inbox_events (
    tenant_id uuid not null,
    user_id text not null,
    seq bigint not null,
    kind text not null check (kind in ('notification.created', 'notification.updated', 'counts')),
    payload jsonb not null,
    created_at timestamptz not null default now(),
    primary key (tenant_id, user_id, seq)
);
create index inbox_events_age on inbox_events (created_at);

-- Keys that verify end-user tokens of a tenant: the service's own (kind 'service', HS256, generated on first use),
-- secrets the tenant was given (hs256), public keys (rs256/es256 PEM) and JWKS URLs. Secrets are encrypted at rest.
create table user_auth_keys (
    tenant_id uuid not null,
    id uuid not null,
    kind text not null check (kind in ('service', 'hs256', 'rs256', 'es256', 'jwks')),
    kid text,
    public_key_pem text,
    jwks_url text,
    secret_ciphertext bytea,
    secret_key_id text,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
create unique index user_auth_keys_one_service_key on user_auth_keys (tenant_id) where kind = 'service';

-- Single-use stream tickets (EventSource cannot send an Authorization header): stored hashed, gone once used.
create table user_stream_tickets (
    tenant_id uuid not null,
    ticket_hash bytea not null,
    user_id text not null,
    expires_at timestamptz not null,
    primary key (tenant_id, ticket_hash)
);

-- The scope that lets a backend mint end-user tokens.
alter table service_accounts drop constraint service_accounts_scopes_check;
alter table service_accounts add constraint service_accounts_scopes_check
    check (scopes <@ array['notifications:send','notifications:read','admin','users:token']::text[]);
