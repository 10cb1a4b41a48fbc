-- The job queue. A job is ready, running (leased to one worker until locked_until) or dead (kept for
-- inspection and retry). Completed jobs are deleted: the table stays small and the ready index hot.
create table jobs (
    id bigint generated always as identity primary key,
    queue text not null,
    kind text not null,
    tenant_id uuid not null,
    priority smallint not null default 1 check (priority between 0 and 2),   -- 0 high, 1 normal, 2 low
    state text not null default 'ready' check (state in ('ready', 'running', 'dead')),
    run_at timestamptz not null default now(),
    attempt int not null default 0 check (attempt >= 0),
    max_attempts int not null default 8 check (max_attempts > 0),
    args jsonb not null default '{}',
    locked_by text,
    locked_until timestamptz,
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((state = 'running') = (locked_until is not null))
);

-- Claim: per queue, loose scan over tenants, then each tenant's jobs by priority and due time.
create index jobs_ready_fair on jobs (queue, tenant_id, priority, run_at, id) where state = 'ready';
-- Wake-up for scheduled jobs and the age of the oldest ready job.
create index jobs_ready_due on jobs (queue, run_at) where state = 'ready';
-- Rescuer: expired leases.
create index jobs_running_lease on jobs (locked_until) where state = 'running';
create index jobs_dead on jobs (queue, tenant_id, id) where state = 'dead';
