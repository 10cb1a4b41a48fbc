-- Issues 30 and 32: a notification sent by userId wrote three index entries for its userId: the console's case-blind
-- search (tenant, lower(userId)), the person look-ups' (tenant, userId, id) and, for a topic's fan-out, the unique
-- (tenant, fan-out, userId, channel). A 1,000,000-member fan-out spent 17.7 µs of PostgreSQL per notification; without the
-- first and the last, 13.0 (BENCHMARKS.md, "Prepared statements, delivery by userId, topics' keep-alives").
--
-- 1. One userId index serves both: (tenant, lower(userId), userId, id). The search matches on its first two columns; the
--    person look-ups (erase, export, the console's Users page) name lower(userId) and userId, and get id order from the
--    third, as they did from the index they replace.
create index notifications_recipient_user on notifications (tenant_id, lower(recipient->>'userId'), (recipient->>'userId'), id)
    where recipient->>'userId' is not null;
drop index notifications_recipient_user_ci;
drop index notifications_recipient_user_id;

-- 2. A fan-out creates each member's notification once because its chunks are: a chunk's notifications are inserted in
--    the transaction that deletes the chunk's row (two runners cannot both delete it), and the membership is snapshotted
--    once, each member in one chunk (FanOutJobHandler). The unique index said the same a second time, at one index entry
--    per notification of every fan-out.
drop index notifications_fan_out_once;
