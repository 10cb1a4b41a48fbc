-- Deleting a tenant (DELETE /api/v1/platform/tenants/{id}): one row per deletion, its progress and, once done, its proof.
-- Written only by Features/Administration/Platform/TenantDeletionStore. The platform's own record, not the tenant's:
-- it has no `tenant_id` column, so the deletion (which deletes from every table that has one) never deletes it, and
-- `deleted_tenant` is set to null when the tenant is gone, so no row keeps the tenant's id afterwards.
create table tenant_deletions (
    id uuid primary key,
    deleted_tenant uuid,
    status text not null check (status in ('running', 'completed')),
    tables_total int not null default 0,
    tables_done int not null default 0,
    current_table text,
    rows_deleted bigint not null default 0,
    requested_by text not null,
    created_at timestamptz not null default now(),
    finished_at timestamptz
);
-- One deletion at a time per tenant: a second DELETE answers the running one.
create unique index tenant_deletions_running on tenant_deletions (deleted_tenant) where deleted_tenant is not null;
