-- Console members: the people who run a tenant. The email is stored normalised (trimmed, lower-case) so one person is
-- one row; the password is an ASP.NET Core Identity hash, the TOTP secret is encrypted like provider secrets, and
-- recovery codes are kept only as SHA-256 hashes. Nothing here can sign anyone in when read from a backup.
create table members (
    tenant_id uuid not null references tenants(id) on delete cascade,
    id uuid not null,
    email text not null,
    name text not null default '',
    role text not null check (role in ('owner', 'admin', 'editor', 'operator', 'viewer')),
    status text not null check (status in ('invited', 'active', 'disabled')),
    password_hash text,
    totp_secret bytea,                        -- AES-256-GCM under totp_key_id (SecretProtector)
    totp_key_id text,
    totp_enabled_at timestamptz,              -- null while enrolment is pending: the secret is shown, no code confirmed yet
    totp_last_step bigint,                    -- the last time step a code was accepted for: a code works once (RFC 6238 5.2)
    recovery_code_hashes bytea[] not null default '{}',
    created_at timestamptz not null default now(),
    last_sign_in_at timestamptz,
    primary key (tenant_id, id),
    unique (tenant_id, email)
);

-- One-time links that let a person become (or, break-glass, sign in as) a member. The link carries the tenant id and a
-- 256-bit secret; only the secret's SHA-256 is stored. A link is used once (used_at), expires, and can be revoked.
create table member_links (
    tenant_id uuid not null,
    token_hash bytea not null,
    member_id uuid not null,
    purpose text not null check (purpose in ('invite', 'sign_in')),
    created_by text not null,                 -- the audit actor who made it
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz,
    revoked_at timestamptz,
    primary key (tenant_id, token_hash),
    foreign key (tenant_id, member_id) references members (tenant_id, id) on delete cascade
);
create index member_links_by_member on member_links (tenant_id, member_id);

-- A console session now belongs to a member (how they signed in: password, sso, link) or, until key sign-in is
-- retired, to an API key. Deleting a member deletes their sessions in the same statement (the foreign key), so every
-- replica refuses the cookie on its next request. last_seen_at drives the idle timeout.
alter table console_sessions
    alter column service_account_id drop not null,
    alter column key_prefix drop not null,
    add column member_id uuid,
    add column method text,
    add column last_seen_at timestamptz not null default now(),
    add foreign key (tenant_id, member_id) references members (tenant_id, id) on delete cascade,
    add check ((member_id is null) <> (service_account_id is null));
create index console_sessions_by_member on console_sessions (tenant_id, member_id) where member_id is not null;
