-- The platform's own API: the operator who runs the service for many tenants creates, suspends and resumes them.

-- A tenant's lifecycle. `slug` is the operator's own handle for the tenant (unique across tenants: it names one tenant
-- to the platform, which has no tenant of its own). `status`: a suspended tenant's credentials are refused on every
-- request (Features/Tenancy/Suspension), and it is announced on `tenant_status` so every replica drops its cached
-- answer at once. `creation_request_key`/`_hash`: the Idempotency-Key of the platform request that created the tenant,
-- so a retried create answers the same tenant instead of making a second one (the first admin key is not replayed).
alter table tenants
    add column slug text check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
    add column status text not null default 'active' check (status in ('active', 'suspended')),
    add column status_changed_at timestamptz,
    add column creation_request_key text,
    add column creation_request_hash bytea;
create unique index tenants_slug on tenants (slug) where slug is not null;
create unique index tenants_creation_request_key on tenants (creation_request_key) where creation_request_key is not null;

-- Operator keys made with `platform keys create` (keys may also be configured: Platform:Keys). Like service-account
-- keys: the public prefix finds the row, only the SHA-256 of the whole key is stored. Not a tenant's data: no tenant_id.
create table platform_keys (
    id uuid primary key,
    name text not null check (length(name) between 1 and 100),
    key_prefix text not null unique,
    key_hash bytea not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
