-- A batch: the common part of a send-batch request, so later chunks (send-chunk) reuse it.
create table batches (
    id uuid primary key,
    tenant_id uuid not null references tenants(id) on delete cascade,
    definition jsonb not null,            -- the request minus its recipients
    accepted int not null default 0,
    rejected int not null default 0,
    chunks int not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index on batches (tenant_id, created_at desc);
-- Batch listings page by notification id (UUIDv7: time-ordered) within a batch.
create index on notifications (batch_id, id) where batch_id is not null;
