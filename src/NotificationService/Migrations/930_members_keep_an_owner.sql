-- A team that has an active owner keeps one. Whatever takes an active owner away (a demotion, a disable, a removal, the
-- owner leaving, a statement written later) is checked when its transaction commits, under a lock per tenant, so two
-- changes that each count on "the other owner" cannot both commit: the second waits for the first and then sees it.
-- Active is what can sign in: an invited owner has no credentials yet and a disabled one is refused.
create function members_keep_an_owner() returns trigger language plpgsql as $$
begin
    -- Read committed: each statement below reads what committed before it, so the check after the lock sees the change
    -- that held it. The second key names this lock among the tenant's advisory locks.
    perform pg_advisory_xact_lock(hashtext(old.tenant_id::text), 1330007634);
    if exists (select 1 from members where tenant_id = old.tenant_id and role = 'owner' and status = 'active') then
        return null;
    end if;
    -- A tenant being deleted loses its members with everything else.
    if not exists (select 1 from tenants where id = old.tenant_id)
        or exists (select 1 from tenant_deletions where deleted_tenant = old.tenant_id) then
        return null;
    end if;
    raise exception 'The team''s last active owner cannot be demoted, disabled or removed: make another member owner first.'
        using errcode = 'check_violation', table = 'members', constraint = 'members_keep_an_owner';
end $$;

create constraint trigger members_keep_an_owner after update of role, status or delete on members
    deferrable initially deferred for each row when (old.role = 'owner' and old.status = 'active')
    execute function members_keep_an_owner();
