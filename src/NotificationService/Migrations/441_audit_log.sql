-- Who changed what, when: one row per admin change through the API or the console. Secrets are redacted before they
-- get here. Keyset pages run newest first per tenant, hence the (tenant_id, id desc) order of the key.
create table audit_log (
    tenant_id uuid not null references tenants(id) on delete cascade,
    id bigint generated always as identity,
    at timestamptz not null default now(),
    actor text not null,                      -- "key nsk_AbC123xy" or "console nsk_AbC123xy"
    action text not null,                     -- e.g. "template.publish", "api_key.revoke"
    target_type text not null,
    target_id text,
    before jsonb,
    after jsonb,
    primary key (tenant_id, id)
);
create index audit_log_by_target on audit_log (tenant_id, target_type, id desc);
