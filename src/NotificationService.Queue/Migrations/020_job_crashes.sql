-- How often a job's lease expired while a worker held it: the worker died (a crash, an OOM kill, a kill after the
-- shutdown grace) without extending or acknowledging it. Counted by the rescuer, never by a worker (a worker that is
-- alive to count is not the one that crashed). A job that has crashed before is a suspect: a worker runs at most one
-- suspect at a time, so the next crash points at it alone; at Queue:CrashesBeforeSetAside (2) the rescuer sets it
-- aside (dead) instead of handing it out again. An operator's retry from the dead list starts the count over.
alter table jobs add column crashes int not null default 0 check (crashes >= 0);

-- Suspects waiting for a worker's single suspect slot (normally empty: only crashes put rows here).
create index jobs_ready_suspects on jobs (queue, run_at, id) where state = 'ready' and crashes > 0;
