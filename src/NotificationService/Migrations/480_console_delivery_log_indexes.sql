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
