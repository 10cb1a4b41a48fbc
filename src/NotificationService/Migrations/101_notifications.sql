-- One notification = one recipient on one channel. Status only moves forward; every change is an event.
create table notifications (
    id uuid primary key,
    tenant_id uuid not null references tenants(id) on delete cascade,
    channel text not null check (channel in ('email','sms','push','whatsapp','in_app')),
    status text not null check (status in ('accepted','queued','sending','sent','delivered','read','opened','clicked',
                                           'failed','suppressed','cancelled','expired')),
    priority smallint not null default 1 check (priority between 0 and 2),
    recipient jsonb not null,
    template_key text,
    template_version_id uuid references template_versions(id),
    locale text,
    content jsonb,                    -- inline content {subject, body, html} when no template
    data jsonb,
    category text,
    metadata jsonb,
    batch_id uuid,
    job_id bigint,                    -- the queue job delivering it (for cancel)
    send_at timestamptz,
    attempts int not null default 0,
    provider_id uuid,
    provider_kind text,
    provider_message_id text,
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    sent_at timestamptz
);
create index on notifications (tenant_id, created_at desc);
create index on notifications (provider_message_id) where provider_message_id is not null;

create table notification_events (
    id bigint generated always as identity primary key,
    notification_id uuid not null references notifications(id) on delete cascade,
    status text not null,
    source text not null check (source in ('api','worker','provider','user','system')),
    detail text,
    created_at timestamptz not null default now()
);
create index on notification_events (notification_id, id);

-- Idempotency-Key: the first response is kept 24 h and replayed for the same key and body.
create table idempotency_keys (
    tenant_id uuid not null references tenants(id) on delete cascade,
    key text not null,
    request_hash bytea not null,
    status_code int,
    response_body text,
    created_at timestamptz not null default now(),
    primary key (tenant_id, key)
);
create index on idempotency_keys (created_at);

-- In-app inbox rows and unread counters kept on write.
create table inbox_items (
    notification_id uuid primary key references notifications(id) on delete cascade,
    tenant_id uuid not null,
    user_id text not null,
    title text,
    body text,
    action_url text,
    icon text,
    created_at timestamptz not null default now(),
    read_at timestamptz,
    deleted_at timestamptz
);
create index on inbox_items (tenant_id, user_id, created_at desc) where deleted_at is null;

create table inbox_counters (
    tenant_id uuid not null,
    user_id text not null,
    unread int not null default 0 check (unread >= 0),
    primary key (tenant_id, user_id)
);

-- What the sandbox provider "sent": visible to tests and the admin console.
create table sandbox_messages (
    id bigint generated always as identity primary key,
    tenant_id uuid not null,
    notification_id uuid not null,
    provider_id uuid not null,
    channel text not null,
    provider_message_id text not null,
    recipient jsonb not null,
    content jsonb not null,
    created_at timestamptz not null default now()
);
create index on sandbox_messages (tenant_id, notification_id);
