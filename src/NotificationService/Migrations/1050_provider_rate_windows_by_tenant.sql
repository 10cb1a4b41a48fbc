-- Rate-limit windows lead their key with the tenant, like every tenant's table: they hold the provider configs' counters
-- and the chat channel's per-conversation turns (keys that are hashes, not provider ids, so only the tenant column ties
-- them to their tenant for its deletion). The rows are counters of the current second, so the table is made anew.
-- The default lets a replica of the previous release keep reserving during a rolling upgrade (its counts stand apart
-- from the new release's for those minutes); the service always names the tenant.
drop table provider_rate_windows;
create table provider_rate_windows (
    tenant_id uuid not null default '00000000-0000-0000-0000-000000000000',
    provider_id uuid not null,              -- a provider config's id, or a chat conversation's pacing key
    window_start bigint not null,           -- floor(epoch seconds) of the database server's clock
    requested int not null,
    primary key (tenant_id, provider_id, window_start)
);
