-- Whose single sign-on it is: the role of the member (or `admin` for an API key) who last saved the configuration.
-- The provider signs in members up to that role only (RoleTable.SsoReaches); configurations saved before this was
-- recorded count as an admin's, so they stop signing in owners until an owner saves them again.
alter table tenant_sso add column configured_by_role text not null default 'admin';
