-- Tenants, their service accounts (API keys stored as SHA-256 hashes) and provider configs.
create table tenants (
    id uuid primary key,
    name text not null check (length(name) between 1 and 200),
    default_locale text not null default 'en',
    created_at timestamptz not null default now()
);

create table service_accounts (
    id uuid primary key,
    tenant_id uuid not null references tenants(id) on delete cascade,
    name text not null,
    key_prefix text not null unique,          -- public part shown in listings, e.g. "nsk_AbC123xy"
    key_hash bytea not null,                  -- SHA-256 of the whole key; the key itself is shown once
    scopes text[] not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz,
    check (scopes <@ array['notifications:send','notifications:read','admin']::text[])
);
create index on service_accounts (tenant_id);

create table providers (
    id uuid primary key,
    tenant_id uuid not null references tenants(id) on delete cascade,
    channel text not null check (channel in ('email','sms','push','whatsapp','in_app')),
    kind text not null,
    name text not null,
    priority int not null default 100,
    enabled boolean not null default true,
    settings jsonb not null default '{}',
    secrets_ciphertext bytea,                 -- AES-256-GCM: nonce | ciphertext | tag, JSON object inside
    secrets_key_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index on providers (tenant_id, channel, priority) where enabled;

-- Templates: one row per (key, channel, locale); every edit is a new immutable version.
create table templates (
    id uuid primary key,
    tenant_id uuid not null references tenants(id) on delete cascade,
    key text not null,
    channel text not null check (channel in ('email','sms','push','whatsapp','in_app')),
    locale text not null,
    description text,
    published_version_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);
create unique index on templates (tenant_id, key, channel, locale) where deleted_at is null;

create table template_versions (
    id uuid primary key,
    template_id uuid not null references templates(id) on delete cascade,
    tenant_id uuid not null,
    version int not null,
    parts jsonb not null,
    optional_variables text[] not null default '{}',
    created_at timestamptz not null default now(),
    unique (template_id, version)
);
