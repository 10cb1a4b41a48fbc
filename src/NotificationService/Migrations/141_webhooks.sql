-- Outgoing Standard Webhooks: tenant endpoints, one delivery per (event, endpoint), every attempt logged.
create table webhook_endpoints (
    id uuid primary key,
    tenant_id uuid not null references tenants(id) on delete cascade,
    url text not null,
    description text,
    events text[] not null,
    enabled boolean not null default true,
    disabled_reason text,
    secrets_ciphertext bytea not null,          -- AES-256-GCM (SecretProtector): {"current": "whsec_…", "previous": "whsec_…"}
    secrets_key_id text not null,
    previous_secret_expires_at timestamptz,     -- after a rotation both secrets sign until then
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index on webhook_endpoints (tenant_id) where enabled;

create table webhook_deliveries (
    id uuid primary key,                        -- also the webhook-id header: stable across retries and replays
    tenant_id uuid not null,
    endpoint_id uuid not null references webhook_endpoints(id) on delete cascade,
    event_type text not null,
    payload text not null,                      -- text, not jsonb: the signed bytes must be identical on every attempt
    status text not null default 'pending' check (status in ('pending','succeeded','failed')),
    attempts int not null default 0,
    last_status_code int,
    last_latency_ms int,
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index on webhook_deliveries (endpoint_id, created_at desc, id);

create table webhook_attempts (
    id bigint generated always as identity primary key,
    delivery_id uuid not null references webhook_deliveries(id) on delete cascade,
    attempt int not null,
    status_code int,
    latency_ms int not null,
    response_excerpt text,
    error text,
    created_at timestamptz not null default now()
);
create index on webhook_attempts (delivery_id, id);
