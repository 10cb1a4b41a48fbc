-- Per-tenant API rate limits (token buckets per endpoint class). A row overrides the configured default for one class.
create table tenant_rate_limits (
    tenant_id uuid not null,
    endpoint_class text not null check (endpoint_class in ('send', 'batch', 'admin', 'end_user')),
    per_second float8 not null check (per_second > 0),
    burst float8 not null check (burst >= 1),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, endpoint_class)
);

-- The shared state of each bucket: every API replica takes tokens from it with one upsert (see SharedBuckets).
-- Unlogged: a crash or failover only refills the buckets, and no bucket update waits for a WAL flush.
create unlogged table api_rate_buckets (
    tenant_id uuid not null,
    endpoint_class text not null,
    tokens float8 not null,
    granted float8 not null,            -- what the last take handed out (so the upsert can return it)
    updated_at timestamptz not null,
    primary key (tenant_id, endpoint_class)
);
