-- Single sign-on for console members through the tenant's own OpenID Connect provider (Features/Administration/Sso).
-- One configuration per tenant; the client secret is sealed like provider secrets (AES-256-GCM under a key id).
create table tenant_sso (
    tenant_id uuid not null primary key,
    issuer text not null,
    client_id text not null,
    client_secret bytea not null,
    secret_key_id text not null,
    allowed_domains text[] not null default '{}',
    default_role text,                             -- null: no just-in-time membership
    required boolean not null default false,
    updated_at timestamptz not null default now()
);
-- The sign-in page may name an email domain instead of a tenant: which tenant allows it (one index probe).
create index tenant_sso_allowed_domains on tenant_sso using gin (allowed_domains);

-- A sign-in between /admin/sso/start and the provider's redirect back: single use, bound to the browser that started it
-- (only hashes are kept; the PKCE verifier and the nonce are derived from the browser's secret, never stored).
create table sso_sign_ins (
    tenant_id uuid not null,
    state_hash bytea not null,
    browser_hash bytea not null,
    return_url text not null,
    expires_at timestamptz not null,
    primary key (tenant_id, state_hash)
);
create index sso_sign_ins_expires_at on sso_sign_ins (expires_at);
