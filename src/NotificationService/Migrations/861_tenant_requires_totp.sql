-- A tenant may require every member, whatever their role, to sign in with a second factor (TOTP); owners and admins
-- always need one. Off for every tenant until an admin turns it on (PUT /api/v1/admin/settings, `requireTotp`).
alter table tenants add column require_totp boolean not null default false;
