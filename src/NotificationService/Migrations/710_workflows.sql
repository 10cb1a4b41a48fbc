-- Issue 33: workflows. Definitions are versioned like templates (append-only versions, a published pointer and its history
-- for rollback); a run is pinned to the version published when it was triggered. Each table has one writer in
-- Features/Workflows: WorkflowStore (workflows, workflow_versions), RunStore (workflow_runs, workflow_run_events),
-- WorkflowSends (workflow_sends), WaitStore (workflow_waits). No foreign keys to tenants, as for notifications (145): a
-- trigger inserts up to 1,000 runs per statement and the tenant always comes from the credential.
create table workflows (
    tenant_id uuid not null,
    id uuid not null,
    key text not null,
    name text not null,
    category text,
    published_version int,                  -- null: no version published yet (a trigger is a 422)
    publish_history int[] not null default '{}',   -- every publication in order; rollback pops the last
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    primary key (tenant_id, id)
);
create unique index workflows_key on workflows (tenant_id, key) where deleted_at is null;

create table workflow_versions (
    tenant_id uuid not null,
    workflow_id uuid not null,
    version int not null,
    definition jsonb not null,              -- as saved (validated): never changed, so a pinned run reads it forever
    created_at timestamptz not null default now(),
    primary key (tenant_id, workflow_id, version)
);

-- One row per (run): who, with what data, and the interpreter's state (`machine`). `seq` counts transitions: every job
-- carries the seq it was made at, and only a job at the run's current seq moves it. `due_job_id`: the job that ends the
-- current delay or wait (deleted when the run is cancelled, so a cancelled wait stops at once).
create table workflow_runs (
    tenant_id uuid not null,
    id uuid not null,                       -- UUIDv7: the keyset lists order by it (newest first)
    workflow_id uuid not null,
    workflow_key text not null,
    version int not null,
    user_id text collate "C" not null,
    actor jsonb,
    data jsonb,
    cancellation_key text,
    state text not null check (state in ('running', 'waiting', 'completed', 'cancelled', 'failed')),
    machine jsonb not null,
    seq int not null default 0,
    due_job_id bigint,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    ended_at timestamptz,                   -- completed, failed or cancelled: retention counts from here
    primary key (tenant_id, id)
);
create index workflow_runs_by_workflow on workflow_runs (tenant_id, workflow_key, id);
create index workflow_runs_by_user on workflow_runs (tenant_id, user_id, id);
create index workflow_runs_by_cancellation_key on workflow_runs (tenant_id, cancellation_key) where cancellation_key is not null;
create index workflow_runs_ended on workflow_runs (ended_at) where ended_at is not null;

-- The timeline: one row per thing a transition recorded (sent, skipped with its condition, delayed until, waiting,
-- woken, timed out, arm taken, cancelled, resumed, completed, failed).
create table workflow_run_events (
    tenant_id uuid not null,
    run_id uuid not null,
    n bigint generated always as identity,
    step_id text,
    what text not null,
    detail text,
    notification_ids uuid[],
    at timestamptz not null default now(),
    primary key (tenant_id, run_id, n)
);

-- The notifications a send step made, keyed (run, step, channel) so a retried step can never send twice, and the
-- statuses each reached (the ledger's and the inbox's seen/read), which waits and conditions read.
create table workflow_sends (
    tenant_id uuid not null,
    notification_id uuid not null,
    run_id uuid not null,
    step_id text not null,
    channel text not null,
    statuses text[] not null default '{}',
    last_status text not null default 'queued',
    error text,
    provider text,                          -- who sent it (from the ledger's `sent`: "via …")
    primary key (tenant_id, notification_id),
    unique (tenant_id, run_id, step_id, channel)
);

-- A waiting run costs this row and its timeout job, no worker. A status wait is woken by WaitStore when the send it
-- names reaches a listed status; an event wait by the events API (user, name and key). `state` guards the race between a
-- wake and the timeout: each moves it only from `waiting`, so whichever comes first wins and the other is a no-op.
create table workflow_waits (
    tenant_id uuid not null,
    run_id uuid not null,
    seq int not null,
    step_id text not null,
    user_id text collate "C" not null,
    send_step text,
    statuses text[],
    event_name text,
    event_key text,
    due_at timestamptz not null,
    state text not null check (state in ('waiting', 'woken', 'timed_out', 'released')),
    detail text,
    created_at timestamptz not null default now(),
    primary key (tenant_id, run_id, seq)
);
create index workflow_waits_events on workflow_waits (tenant_id, user_id, event_name) where state = 'waiting' and event_name is not null;
