-- Admin console sign-ins. The cookie carries the tenant id and a 256-bit secret; only the secret's SHA-256 is stored,
-- so a database read does not hand out live sessions. Sessions end at expires_at or on sign-out (row deleted).
create table console_sessions (
    tenant_id uuid not null references tenants(id) on delete cascade,
    token_hash bytea not null,
    service_account_id uuid not null,
    key_prefix text not null,
    scopes text[] not null,                   -- the key's scopes at sign-in; each request also intersects the key's current ones
    is_operator boolean not null default false,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    primary key (tenant_id, token_hash)
);
create index console_sessions_expiry on console_sessions (expires_at);

-- ASP.NET Core Data Protection's key ring (antiforgery tokens), shared by every replica so a form rendered by one
-- validates on another. Service-wide, not tenant data: the one table here without tenant_id (a Citus reference table).
create table console_keyring (
    friendly_name text primary key,
    xml text not null,
    created_at timestamptz not null default now()
);
