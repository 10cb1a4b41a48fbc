-- Delivery analytics per channel, template, workflow, category and provider, with the reason a notification failed or was
-- suppressed: one row per combination, so any grouping (and the provider panel, and failures by reason) is a sum over
-- the same rows. The flush reads each changed notification's template key, `workflow` metadata, category and provider by
-- key (Features/Operations/Analytics/AnalyticsStore), so the status change itself need not carry them. The channel
-- counts of 1000 are carried over. '' stands for "none" in the key columns (a primary key cannot hold nulls). Counts
-- and codes only (a reason is the detail's leading code, never a provider's words or an address): no person's data.
alter table analytics_hourly rename to analytics_hourly_per_channel;
create table analytics_hourly (
    tenant_id uuid not null,
    hour timestamptz not null,
    channel text not null,
    template text not null,
    workflow text not null,
    category text not null,
    provider text not null,
    status text not null,
    reason text not null,
    count bigint not null check (count >= 0),
    primary key (tenant_id, hour, channel, template, workflow, category, provider, status, reason)
);
insert into analytics_hourly (tenant_id, hour, channel, template, workflow, category, provider, status, reason, count)
select tenant_id, hour, key, '', '', '', '', status, '', count from analytics_hourly_per_channel where dimension = 'channel';
drop table analytics_hourly_per_channel;
