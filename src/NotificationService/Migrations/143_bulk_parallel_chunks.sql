-- Bulk jobs commit several chunks at once (one PostgreSQL backend per chunk, so both cores work).
-- The checkpoint is therefore the set of committed row ranges, not a single row number: a chunk's
-- range is inserted in the same transaction as its notifications, so a resumed job skips exactly
-- the rows that were committed, whatever order the chunks finished in.
create table bulk_chunks (
    job_id uuid not null references bulk_jobs(id) on delete cascade,
    first_row bigint not null,
    last_row bigint not null check (last_row >= first_row),
    primary key (job_id, first_row)
);

-- A job that was mid-file when this migration ran had committed rows 1..processed_rows in order.
insert into bulk_chunks (job_id, first_row, last_row)
select id, 1, processed_rows from bulk_jobs where status in ('validating', 'enqueuing') and processed_rows > 0;

-- bulk_seen is written once per row: its foreign key check (a row lock on the job per row) cost as much
-- as the insert itself. The rows only matter while the job enqueues and are deleted when it ends.
-- Byte order ("C") compares keys without the locale's collation rules: equal keys are byte-equal anyway.
alter table bulk_seen drop constraint bulk_seen_job_id_fkey;
alter table bulk_seen alter column recipient_key type text collate "C";
