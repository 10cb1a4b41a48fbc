-- The start of a run's timeline is its row: `started` (when, which version) and, for a run that starts past its first
-- transition (a digest joined as the trigger is accepted), the lines of that transition, the same for every run of the
-- trigger. As timeline rows they cost a trigger two rows per recipient, as many as the runs themselves. Runs inserted
-- before this column stored those lines as rows and have null here; the reader tells them apart by it.
alter table workflow_runs add column start_lines jsonb;
