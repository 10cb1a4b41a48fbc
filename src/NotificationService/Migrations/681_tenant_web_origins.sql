-- The web origins whose pages may call a tenant's end-user API (/api/v1/users/me/*) from a browser (issue 34: the inbox
-- component runs on the tenant's own site). Exact origins, as browsers send them; no wildcards.
create table tenant_web_origins (
    tenant_id uuid not null,
    origin text not null,
    created_at timestamptz not null default now(),
    primary key (tenant_id, origin)
);
-- A preflight carries no token, so no tenant: it is answered for an origin some tenant lists (one index probe).
create index tenant_web_origins_origin on tenant_web_origins (origin);
