-- Delivery analytics: how many notifications reached each status, per tenant, UTC hour and group (a channel, and later
-- a template, workflow or category: `dimension` names which, `key` its value). Written as statuses change (a ledger
-- observer flushed every few seconds, like usage_daily), never by scanning notifications, so the analytics page reads a
-- few hundred rows whatever the volume. Counts only: no person's data, so nothing here to erase.
create table analytics_hourly (
    tenant_id uuid not null,
    hour timestamptz not null,
    dimension text not null check (dimension in ('channel', 'template', 'workflow', 'category')),
    key text not null,
    status text not null,
    count bigint not null check (count >= 0),
    primary key (tenant_id, hour, dimension, key, status)
);
