-- Push device registry: a user's device tokens per tenant. Push to a recipient with a userId and no
-- deviceTokens is resolved against the active rows at delivery time; tokens FCM reports as
-- UNREGISTERED / SENDER_ID_MISMATCH are deactivated (kept, not deleted, so re-registering revives them).
create table devices (
    tenant_id uuid not null references tenants(id) on delete cascade,
    token text not null check (length(token) between 1 and 4096),
    user_id text not null check (length(user_id) between 1 and 256),
    platform text not null check (platform in ('android','ios','web')),
    active boolean not null default true,
    deactivated_reason text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, token)
);
create index on devices (tenant_id, user_id) where active;
