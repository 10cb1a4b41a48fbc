-- Issue 30: a delivered notification's row is updated twice (`sending`, then the attempt's outcome) and almost never as
-- a HOT update (0.04 of 2.00 per notification in the bench), so each update wrote a new version of the row into every
-- index of the table again: the primary key, the console's tenant_recent and recipient indexes, and the provider
-- message id's. Two things stopped HOT: the outcome writes provider_message_id, which an index covered, and the pages
-- had no room for a new version (rows are inserted packed).
--
-- 1. Callbacks find a notification by its provider's message id through the attempt's history row, which is inserted
--    anyway: one more entry in an insert, where the old index made every sent notification's update write every index.
--    notifications.provider_message_id stays (the API and the console show it), without an index; a look-up joins back
--    to it, so only a notification's current message id matches, as before. The backfill tags each notification's
--    latest history row (one pass over the history at upgrade time).
alter table notification_events add column provider_message_id text;
update notification_events e set provider_message_id = n.provider_message_id
from notifications n
where n.provider_message_id is not null and e.notification_id = n.id
  and e.id = (select max(l.id) from notification_events l where l.notification_id = n.id);
create index notification_events_provider_message on notification_events (provider_message_id) where provider_message_id is not null;
drop index notifications_provider_message_id_idx;

-- 2. Room on each page for the rows' next versions: a claim moves ~100 notifications that sit side by side, so all of a
--    page's rows get a new version in one statement (the old ones stay until it commits, then pruning reclaims them).
--    Pages written from now on keep 40 % free; older pages keep what they have; the heap (not its indexes) grows by
--    two thirds. WriteBudgetTests counted 1.59 of 2.00 updates HOT at 60 % and at 50 % alike (0.07 before this
--    migration), so the smaller heap it is; what is left is mostly pruning held back by concurrent batches' snapshots.
alter table notifications set (fillfactor = 60);
