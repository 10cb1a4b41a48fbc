-- What each tenant's live events (POST /services/events) stored, per hour: the bytes of every row written to
-- inbox_events (one per user named) and topic_events (one per topic named). Owner: Features/Topics/LiveEventBudget.
-- A publish adds its bytes to the hour's row and is refused when the hours inside the replay window add up to more than
-- the tenant's cap, so what the event tables retain for a tenant stays bounded. Rows older than the window are deleted
-- by the publishes that read past them.
create table live_event_usage (
    tenant_id uuid not null,
    hour timestamptz not null,
    bytes bigint not null check (bytes >= 0),
    primary key (tenant_id, hour)
);
