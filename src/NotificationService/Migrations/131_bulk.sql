-- CSV bulk jobs. The file lives in PostgreSQL (1 MB chunks) so that any replica can resume a job;
-- rows, counters and the checkpoint (processed_rows) commit together, chunk by chunk.
create table bulk_jobs (
    id uuid primary key,
    tenant_id uuid not null references tenants(id) on delete cascade,
    status text not null check (status in ('validating', 'enqueuing', 'completed', 'failed', 'cancelled')),
    options jsonb not null default '{}',
    file_name text,
    file_bytes bigint not null default 0,
    bytes_read bigint not null default 0,          -- progress: how far into the file the checkpoint is
    processed_rows bigint not null default 0,
    accepted_rows bigint not null default 0,
    rejected_rows bigint not null default 0,
    duplicate_rows bigint not null default 0,
    total_rows bigint,
    error text,
    preview jsonb,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz not null default now()
);
create index on bulk_jobs (tenant_id, created_at desc);

create table bulk_file_chunks (
    job_id uuid not null references bulk_jobs(id) on delete cascade,
    seq int not null,
    data bytea not null,
    primary key (job_id, seq)
);

create table bulk_errors (
    job_id uuid not null references bulk_jobs(id) on delete cascade,
    row_number bigint not null,
    column_name text,
    reason text not null,
    original jsonb not null,
    primary key (job_id, row_number)
);

-- Recipients already taken by a job: duplicates within a file are sent once and counted.
create table bulk_seen (
    job_id uuid not null references bulk_jobs(id) on delete cascade,
    recipient_key text not null,
    primary key (job_id, recipient_key)
);
