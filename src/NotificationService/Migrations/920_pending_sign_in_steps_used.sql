-- A console sign-in step (the code after a password or single sign-on, the enrolment of a second factor) is single use:
-- the step's random id is recorded when it opens a session, so its cookie replayed within its ten minutes opens nothing.
-- Rows are kept until the step would have expired anyway; each insert removes the tenant's expired ones.
create table console_pending_steps_used (
    tenant_id uuid not null,
    step_id uuid not null,
    expires_at timestamptz not null,
    primary key (tenant_id, step_id)
);
