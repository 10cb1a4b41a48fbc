-- Digest and throttle steps of workflows. Their windows are rows whose unique keys decide, under concurrent triggers, two
-- replicas and crashes, which window an event joins and that a window closes once: the database enforces it, not timing.
-- One writer each in Features/Automation/Digests: DigestStore (digest_windows, digest_events), ThrottleStore
-- (throttle_windows). No foreign keys to runs: erase and retention delete windows by recipient and age.

-- One row per window. At most one `open` window per (workflow, step, recipient, key): the partial unique index below. An
-- event joins with one upsert on it (a concurrent joiner waits on the row and then joins too; a joiner that finds the row
-- closed meanwhile opens the next window). A close is `open` → `closed` under the row's lock, so two closers cannot both.
create table digest_windows (
    tenant_id uuid not null,
    id uuid not null,
    workflow_id uuid not null,
    step_id text not null,
    user_id text collate "C" not null,
    digest_key text not null,               -- the key path's value; '' without a key path
    kind text not null check (kind in ('fixed', 'sliding', 'scheduled', 'backoff')),
    state text not null check (state in ('open', 'closed')),
    opened_at timestamptz not null,
    closes_at timestamptz not null,         -- a sliding window's moves with each event, never past hard_close_at
    hard_close_at timestamptz,
    quiet_seconds double precision,         -- sliding: each event moves the close to this long after it
    max_events int not null,
    keep_first int not null,
    keep_last int not null,
    event_count int not null default 0,     -- the events in the window now (exact: a cancelled event leaves it)
    next_position int not null default 0,   -- positions handed out so far (events keep theirs)
    actors jsonb not null default '[]',     -- the first distinct actors, in order (at most five)
    passed_run_id uuid,                     -- backoff: the first event, which passed at once
    passed_summary jsonb,                   -- … and the digest of one it carried
    carrier_run_id uuid,                    -- the run that carries the closed window's digest
    summary jsonb,                          -- {count, events, actors} as the carrying run sees it
    closed_at timestamptz,
    primary key (tenant_id, id)
);
create unique index digest_windows_one_open on digest_windows (tenant_id, workflow_id, step_id, user_id, digest_key) where state = 'open';
create index digest_windows_carrier on digest_windows (tenant_id, carrier_run_id) where carrier_run_id is not null;
create index digest_windows_passed on digest_windows (tenant_id, passed_run_id) where passed_run_id is not null;
create index digest_windows_by_user on digest_windows (tenant_id, user_id);
create index digest_windows_closed on digest_windows (closed_at) where closed_at is not null;

-- The events of open windows: one per run waiting in one (a run is in at most one window at a time). The data of events
-- between the first keep_first and the last keep_last is dropped as later events arrive, so a window of 10,000 events
-- stores at most 200 events' data. Deleted when the window closes (its digest is in `summary` then).
create table digest_events (
    tenant_id uuid not null,
    window_id uuid not null,
    position int not null,
    run_id uuid not null,
    seq int not null,                       -- the run's seq in the window: the close's jobs carry it
    actor_key text,                         -- what makes actors distinct: the actor's id (or the whole actor)
    actor jsonb,
    data jsonb,
    kept boolean not null,                  -- false: its data was dropped (the middle of a large window)
    primary key (tenant_id, window_id, position)
);
create unique index digest_events_one_window on digest_events (tenant_id, run_id);

-- One row per (workflow, step, recipient, key): the current throttle window and how many runs it let through.
create table throttle_windows (
    tenant_id uuid not null,
    workflow_id uuid not null,
    step_id text not null,
    user_id text collate "C" not null,
    throttle_key text not null,
    window_start timestamptz not null,
    window_end timestamptz not null,
    passed int not null,
    primary key (tenant_id, workflow_id, step_id, user_id, throttle_key)
);
create index throttle_windows_ended on throttle_windows (window_end);
