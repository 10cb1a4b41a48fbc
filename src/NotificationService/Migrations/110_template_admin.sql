-- Template administration: tenant partials and email layouts, version snapshots, publish history.

-- Named Handlebars sources a tenant shares between templates. kind 'partial' is called with {{> name}};
-- kind 'layout' wraps an email's HTML through {{{body}}}. Deleting one is a hard delete: every template
-- version keeps its own copy (see template_versions.partials / layout), so nothing already saved changes.
create table template_fragments (
    tenant_id uuid not null references tenants(id) on delete cascade,
    kind text not null check (kind in ('partial','layout')),
    name text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$'),
    source text not null,
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, kind, name)
);

-- A version is self-contained: the partials it calls and the layout it names are copied in when the
-- version is saved, so a notification pinned to it renders the same whatever happens to the fragments.
alter table template_versions
    add column partials jsonb not null default '{}',
    add column layout_name text,
    add column layout text;

-- Versions published, oldest first; the last one is published_version_id. Rollback pops it.
alter table templates add column publish_history uuid[] not null default '{}';

create index on templates (tenant_id, id) where deleted_at is null;
