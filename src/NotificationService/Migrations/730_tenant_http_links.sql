-- Whether a tenant's links that reach end users (in_app actionUrl, icon and action buttons, push imageUrl) may be plain
-- http: (issue 28, point 5). Tenants that exist now keep http: (their templates were saved under that rule); a tenant
-- created from here on allows https: only until an admin turns this on (PUT /api/v1/admin/settings).
alter table tenants add column allow_http_links boolean not null default true;
alter table tenants alter column allow_http_links set default false;
