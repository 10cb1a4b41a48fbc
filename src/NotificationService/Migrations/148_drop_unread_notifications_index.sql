-- No query reads notifications by (tenant_id, created_at): reads go by id (with the tenant checked),
-- batch_id or provider_message_id. The index still cost every notification written 1.15–1.35 µs of
-- PostgreSQL CPU (11 % of a COPYed row; two runs alternating 2,000-row COPYs into tables with and without
-- it in one backend). Retention, when built, can range over the time-ordered UUIDv7 ids; the users' inbox
-- reads inbox_items; tenant deletion (not built) would bring the index it needs.
drop index notifications_tenant_id_created_at_idx;
