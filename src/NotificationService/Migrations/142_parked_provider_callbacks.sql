-- Provider status events that arrived before the worker stored the provider's message id (the callback
-- raced our own update after the provider's answer). Kept briefly and re-applied once the id is known.
create table provider_callback_parked (
    id bigint generated always as identity primary key,
    provider_id uuid not null,
    tenant_id uuid not null,
    provider_message_id text not null,
    event jsonb not null,                       -- the normalised ProviderEvent
    received_at timestamptz not null default now()
);
create index on provider_callback_parked (tenant_id, provider_message_id);
create index on provider_callback_parked (received_at);
