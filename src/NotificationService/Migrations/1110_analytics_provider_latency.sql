-- Provider call durations for the analytics page's p50/p95: per tenant, UTC hour, channel and provider kind, how many
-- calls fell in each fixed log-scale bucket (four per doubling of milliseconds, Features/Operations/Analytics/
-- LatencyBuckets). Counted in memory where the delivery times the call and flushed with the other rollups, so the send's
-- own statements are unchanged. Counts only: no person's data.
create table analytics_latency_hourly (
    tenant_id uuid not null,
    hour timestamptz not null,
    channel text not null,
    provider text not null,
    bucket smallint not null check (bucket between 0 and 80),
    count bigint not null check (count >= 0),
    primary key (tenant_id, hour, channel, provider, bucket)
);
