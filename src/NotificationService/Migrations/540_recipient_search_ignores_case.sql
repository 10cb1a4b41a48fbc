-- The console's delivery log finds a recipient however its case was typed: `ADA@example.com` finds ada@example.com
-- (mail systems treat addresses case-insensitively in practice, and a person typing a user id rarely knows its case).
-- The email and user id indexes of migration 480 are rebuilt on lower(...), so the search stays an index lookup; a row
-- still enters only the indexes of the fields it has. Phone numbers have no case.
drop index if exists notifications_recipient_email;
drop index if exists notifications_recipient_user;
create index notifications_recipient_email_ci on notifications (tenant_id, lower(recipient->>'email')) where recipient->>'email' is not null;
create index notifications_recipient_user_ci on notifications (tenant_id, lower(recipient->>'userId')) where recipient->>'userId' is not null;
-- The planner's estimates for the partial indexes come from these statistics (480): they follow the new expressions.
drop statistics if exists notifications_recipient_fields;
create statistics notifications_recipient_fields on (lower(recipient->>'email')), (recipient->>'phone'), (lower(recipient->>'userId')) from notifications;
