-- A tenant's configuration exported or imported by a Hangfire job (POST /api/v1/platform/tenants/{id}/exports, and an
-- import too large to answer at once). Owner: Features/Administration/Platform/TenantConfigJobStore. The row is the
-- job's outbox: the request writes it in its own transaction and enqueues the job after commit (the job's only argument
-- is the row's id); `job_enqueued_at` says a job exists, and a recurring pickup enqueues one for a row a stopped request
-- left without. `document` is the import's body as received, or the export's JSON once done; `outcome` the import's
-- counts, or the errors that stopped the job, field by field. Keyed by tenant, so the tenant's deletion removes it all.
create table tenant_config_jobs (
    tenant_id uuid not null,
    id uuid not null,
    kind text not null check (kind in ('export', 'import')),
    status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
    requested_by text not null,
    document bytea,
    outcome jsonb,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    job_enqueued_at timestamptz,
    primary key (tenant_id, id)
);
-- The job knows only the row's id (a Hangfire argument never names a tenant): its one lookup of the tenant uses this.
create index tenant_config_jobs_id on tenant_config_jobs (id);
-- One export in progress per tenant: asking again answers the one already queued or running.
create unique index tenant_config_jobs_one_export on tenant_config_jobs (tenant_id) where kind = 'export' and status in ('queued', 'running');
-- The pickup's and the expiry's scans.
create index tenant_config_jobs_unenqueued on tenant_config_jobs (created_at) where job_enqueued_at is null;
create index tenant_config_jobs_finished on tenant_config_jobs (finished_at) where finished_at is not null;
