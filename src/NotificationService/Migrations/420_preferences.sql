-- Issue 14, part 5: tenant categories and per-user preferences, enforced by the delivery worker at send time.
-- notification_categories: written only by Features/Preferences/CategoryStore; user_preferences only by PreferenceStore.
create table notification_categories (
    tenant_id uuid not null references tenants(id) on delete cascade,
    key text not null,
    name text not null,
    description text,
    channels jsonb not null default '{}',          -- the tenant's default per channel, e.g. {"sms": false}; a channel not named is on
    required boolean not null default false,       -- cannot be opted out (security alerts): opt-outs and quiet hours are ignored
    commercial boolean not null default false,     -- email carries RFC 8058 one-click unsubscribe
    is_default boolean not null default false,     -- the category of a send that names none
    quiet_hours text not null default 'hold' check (quiet_hours in ('hold', 'drop')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, key)
);
create unique index notification_categories_one_default on notification_categories (tenant_id) where is_default;

-- user_key: the recipient's userId, or for a recipient without one its address ("email:ada@example.com", "phone:+4478…").
create table user_preferences (
    tenant_id uuid not null references tenants(id) on delete cascade,
    user_key text not null,
    channels jsonb not null default '{}',          -- {"sms": false}
    categories jsonb not null default '{}',        -- {"marketing": {"email": false}}
    quiet_hours jsonb,                             -- {"timeZone": "Europe/Paris", "windows": [...], "behaviour": {"marketing": "drop"}}
    updated_at timestamptz not null default now(),
    primary key (tenant_id, user_key)
);

-- A send with overridePreferences (scope notifications:override) skips the preference check at send time.
-- A constant default: no table rewrite.
alter table notifications add column override_preferences boolean not null default false;

-- Two new scopes: notifications:override (send past preferences) and users:preferences (a backend manages its users'
-- preferences). users:token is issue 14's end-user token scope, built on another branch: listed here too so that
-- whichever of the two migrations runs last does not take the other's scope away.
alter table service_accounts drop constraint service_accounts_scopes_check;
alter table service_accounts add constraint service_accounts_scopes_check check (scopes <@ array[
    'notifications:send', 'notifications:read', 'admin', 'notifications:override', 'users:preferences', 'users:token']::text[]);
