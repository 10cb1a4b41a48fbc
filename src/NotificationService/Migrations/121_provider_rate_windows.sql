-- Per-provider-config message counters, one row per (provider, second of the database clock).
-- Every worker replica reserves its batch's sends with one upsert on this table, so together they
-- stay within settings.rateLimitPerSecond. Old windows are useless after a second; they are pruned.
create table provider_rate_windows (
    provider_id uuid not null,
    window_start bigint not null,           -- floor(epoch seconds) of the database server's clock
    requested int not null,
    primary key (provider_id, window_start)
);
