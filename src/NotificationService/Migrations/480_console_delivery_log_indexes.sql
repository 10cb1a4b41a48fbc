-- The console's delivery log (issue 15) lists a tenant's notifications newest first and searches them by recipient;
-- with neither index, both read every row of the table (bench `console`: seconds at 1 M rows, see BENCHMARKS.md).
-- Migration 148 dropped (tenant_id, created_at) for its cost on the accept path; the console brings a reader back, and
-- the bench measures the cost of these indexes on accept in the same run (two databases, interleaved rounds).
create index notifications_tenant_recent on notifications (tenant_id, created_at desc, id desc);
-- Recipient search matches the email, the phone or the userId exactly: one partial index per field, so a row pays only
-- for the fields it has (an email send with no userId enters one of the three).
create index notifications_recipient_email on notifications (tenant_id, (recipient->>'email')) where recipient->>'email' is not null;
create index notifications_recipient_phone on notifications (tenant_id, (recipient->>'phone')) where recipient->>'phone' is not null;
create index notifications_recipient_user on notifications (tenant_id, (recipient->>'userId')) where recipient->>'userId' is not null;
-- The planner keeps no statistics for the expressions of partial indexes, so it guessed 0.5 % of the rows per field and
-- walked notifications_tenant_recent newest first, filtering, instead: 6.7 s for a rare recipient at 1 M rows. With
-- these (read at ANALYZE only, nothing on the insert path) it estimates a handful and ORs the three indexes.
create statistics notifications_recipient_fields on (recipient->>'email'), (recipient->>'phone'), (recipient->>'userId') from notifications;
-- The queues page lists a tenant's sends still waiting for their send_at: without this it read every notification of
-- the tenant (200 ms at 100 k rows). send_at is written once, at accept, so only scheduled sends enter it.
create index notifications_scheduled on notifications (tenant_id, send_at) where send_at is not null;
