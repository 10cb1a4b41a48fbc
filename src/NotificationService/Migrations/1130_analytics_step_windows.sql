-- What digest and throttle steps did, for the analytics page's "events absorbed" and "messages saved": per tenant, UTC
-- hour, workflow key and step, how many events each measure counted (absorbed, left, digested; passed, held, throttled).
-- Counted in memory where the engine applies a join, a leave, a throttle's answer or a run's end, after its transaction
-- commits, and flushed with the other rollups; never by scanning windows or runs. Counts only: no person's data.
create table analytics_step_windows_hourly (
    tenant_id uuid not null,
    hour timestamptz not null,
    workflow text not null,
    step_id text not null,
    measure text not null check (measure in ('absorbed', 'left', 'digested', 'passed', 'held', 'throttled')),
    count bigint not null check (count >= 0),
    primary key (tenant_id, hour, workflow, step_id, measure)
);
