-- An email domain sends people to a tenant's identity provider (SSO discovery) only once the tenant proved it holds the
-- domain: a DNS TXT record `_notification-service.<domain>` carrying the row's token (Features/Administration/Sso).
-- One row per domain the configuration lists; a domain taken off the list loses its proof.
create table sso_domains (
    tenant_id uuid not null,
    domain text not null,
    token text not null,
    verified_at timestamptz,
    primary key (tenant_id, domain)
);
-- Discovery: which tenants proved a domain (one index probe).
create index sso_domains_verified on sso_domains (domain) where verified_at is not null;
