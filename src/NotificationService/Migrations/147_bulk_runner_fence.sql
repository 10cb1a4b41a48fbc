-- Duplicate recipients within a job are now found in memory by the job's runner (RecipientSet): the
-- bulk_seen insert with its conflict check was a fifth of PostgreSQL's work per row. The set is only safe
-- if one runner decides for a job, so each start takes the job with a fresh runner token and every chunk,
-- and the job's end, commits only while the token is still its own: a runner that lost its lease (and the
-- job to a rescuer) has its next commit rolled back instead of sending rows the new runner sends too.
alter table bulk_jobs add column runner uuid;
drop table bulk_seen;
