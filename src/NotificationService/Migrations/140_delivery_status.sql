-- Provider callbacks: events already applied, so a provider's redelivery (SendGrid retries for 72 h)
-- changes nothing. Keyed per provider config because event ids are only unique per provider account.
create table provider_callback_events (
    provider_id uuid not null,
    event_id text not null,
    received_at timestamptz not null default now(),
    primary key (provider_id, event_id)
);
create index on provider_callback_events (received_at);

-- Addresses (lower-cased email, E.164 phone) that must not be messaged again on a channel.
-- Per channel on purpose: STOP on SMS is not an opt-out from WhatsApp.
create table suppressions (
    tenant_id uuid not null references tenants(id) on delete cascade,
    channel text not null check (channel in ('email','sms','whatsapp')),
    address text not null,
    reason text not null,
    detail text,
    provider_id uuid,
    notification_id uuid,
    created_at timestamptz not null default now(),
    primary key (tenant_id, channel, address)
);
create index on suppressions (tenant_id, created_at desc);
