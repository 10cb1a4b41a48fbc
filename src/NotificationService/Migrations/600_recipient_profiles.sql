-- Issue 31: recipient profiles. One row per (tenant, userId): the addresses a send by userId resolves at delivery, the
-- locale and time zone that default a send's, a name and free data for templates. Written only by
-- Features/Recipients/ProfileStore. The same userId in two tenants is two rows (two people).
-- user_id is compared byte-wise (collate "C") so the primary key also serves the keyset list and the userId prefix search
-- (a range scan), which a linguistic collation cannot. No foreign key to tenants, as for notifications (145): bulk identify
-- writes up to 1,000 rows per statement and the tenant always comes from the credential.
create table recipient_profiles (
    tenant_id uuid not null,
    user_id text collate "C" not null check (length(user_id) between 1 and 256),
    email text,                      -- normalized: lower-cased, so search by email is exact and case-insensitive
    phone text,                      -- E.164
    name text,
    locale text,                     -- BCP 47
    timezone text,                   -- IANA
    avatar_url text,                 -- https only
    data jsonb,                      -- free JSON object, at most 16 KB (checked by the service)
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, user_id)
);
create index recipient_profiles_email on recipient_profiles (tenant_id, email) where email is not null;
create index recipient_profiles_phone on recipient_profiles (tenant_id, phone) where phone is not null;

-- A notification whose channel has no address at delivery (a send by userId to a profile without one, push to a user
-- without an active device) ends `skipped`: terminal, not a failure, never retried. NOT VALID then VALIDATE: the new set
-- only adds a value, and validating takes a lock that lets writes go on (adding a checked constraint would block them).
alter table notifications drop constraint notifications_status_check;
alter table notifications add constraint notifications_status_check check (status in ('accepted','queued','sending','sent',
    'delivered','read','opened','clicked','failed','suppressed','skipped','cancelled','expired')) not valid;
alter table notifications validate constraint notifications_status_check;

-- Three new scopes: users:read and users:write (profiles), users:erase (the erase API, to come). Every scope of the
-- earlier migrations is listed again: a constraint can only be replaced whole (a branch adding scopes at the same time
-- must list these too).
alter table service_accounts drop constraint service_accounts_scopes_check;
alter table service_accounts add constraint service_accounts_scopes_check check (scopes <@ array[
    'notifications:send', 'notifications:read', 'admin', 'notifications:override', 'users:preferences', 'users:token',
    'users:read', 'users:write', 'users:erase']::text[]);
