-- Per-tenant usage: how many notifications reached each status, per UTC day and channel (GET /api/v1/admin/usage).
-- Kept apart from `notifications` so it outlives retention and is read without counting rows. Written only by
-- Features/Usage/UsageStore, in one upsert per flush (every few seconds per replica), never on the delivery path.
create table usage_daily (
    tenant_id uuid not null,
    day date not null,
    channel text not null,
    status text not null,
    count bigint not null check (count >= 0),
    primary key (tenant_id, day, channel, status)
);
