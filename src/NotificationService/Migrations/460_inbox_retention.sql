-- Retention of the inbox (issue 16): items a user deleted, or that expired (the sweep sets deleted_at), are purged
-- N days later. The inbox's other indexes cover only live rows (deleted_at is null), so without this one each purge
-- batch would scan the whole table; it holds only the gone rows waiting for their retention.
create index inbox_items_gone on inbox_items (deleted_at) where deleted_at is not null;
