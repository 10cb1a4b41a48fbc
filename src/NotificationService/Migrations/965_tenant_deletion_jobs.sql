-- A tenant deletion runs as a Hangfire job (Features/Administration/Platform/TenantDeletionJob). The deletion's row is its
-- outbox: the request writes it in its own transaction and enqueues the job after commit; `job_enqueued_at` says a job
-- exists, and a recurring pickup enqueues one for a row a crashed request left without. Deletions already running were
-- queued on the service's own queue before this version and finish there.
alter table tenant_deletions add column job_enqueued_at timestamptz;
update tenant_deletions set job_enqueued_at = created_at where status = 'running';
