-- Issue 31, erase (GDPR Art. 17) and export (Art. 15/20) of a user.

-- Erase jobs: one row per DELETE /users/{userId}. Written only by Features/Privacy/EraseJobStore. The job runs on the
-- `erase` queue in small transactions, and this row is its checkpoint: the phase it reached, the notification keyset
-- cursor, the delivery jobs that held one of the user's notifications when it was cancelled (waited for before the inbox
-- and sandbox copies are checked again), and what was erased so far. `subject` is the userId and the addresses and name
-- the job hunts for, encrypted with the service's secrets key (SecretProtector, key id in subject_key_id) and set to
-- null when the job ends; nothing else here names the person. user_hash (a keyed HMAC of the userId) finds a running
-- erase of the same user, and is cleared at the end unless the user is blocked (then blocked_users keeps it).
create table erase_jobs (
    tenant_id uuid not null,
    id uuid not null,
    status text not null check (status in ('running', 'completed')),
    block boolean not null,
    phase text not null check (phase in ('collect', 'files', 'records', 'notifications', 'settle', 'finish', 'done')),
    subject bytea,
    subject_key_id text,
    user_hash bytea,
    runner uuid,                                  -- the run that holds the job: a run that lost it (lease expired) commits nothing more
    match smallint not null default 0,            -- which of the person's keys the current pass walks: userId, emails, phones
    cursor uuid,                                  -- the last notification id erased in the current pass (keyset)
    pass_erased bigint not null default 0,        -- erased in the current pass: a pass that erases nothing ends the phase
    waiting_for_jobs bigint[] not null default '{}',
    waiting_for_bulk uuid[] not null default '{}',
    in_flight uuid[] not null default '{}',       -- notifications that were being sent when they were cancelled
    counts jsonb not null default '{}',
    requested_by text not null,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
create unique index erase_jobs_one_running_per_user on erase_jobs (tenant_id, user_hash) where status = 'running';

-- Blocked users (erase with ?block=true): only a keyed hash of the userId (HMAC-SHA256 under a key derived from the
-- service's secrets key), so a later identify or send to that userId can be refused without keeping the userId.
-- Written only by Features/Recipients/UserBlocklist.
create table blocked_users (
    tenant_id uuid not null,
    user_hash bytea not null,
    created_at timestamptz not null default now(),
    primary key (tenant_id, user_hash)
);

-- The user's notifications in id order: the erase walks them by keyset and the export pages them, so neither re-reads
-- (and sorts) the rows it has passed. It replaces the (tenant, userId) index of migration 480, which every search by
-- userId still uses as its prefix: one index per row written, as before, 16 bytes wider.
create index notifications_recipient_user_id on notifications (tenant_id, (recipient->>'userId'), id) where recipient->>'userId' is not null;
drop index if exists notifications_recipient_user;   -- 540 (case-insensitive search) may have dropped it first

-- The erase scope was added by migration 600; nothing to change in service_accounts.
