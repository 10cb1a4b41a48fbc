-- The wake-up's index (when is the queue's earliest ready job due) must never serve the claim. A churning queue table
-- just vacuumed counts a handful of live jobs, and a plan made on that count (the claim is prepared, so a connection
-- keeps it) costed jobs_ready_due (queue, run_at) the same as jobs_ready_fair and took it: each tenant's offer then
-- visited every due entry of the queue, dead ones too, and sorted them, 5-10x the fair index's cost a claim for as
-- long as the plan lived (docs/decisions/postgres-job-queue.md). `units > 0` holds for every job (a check constraint),
-- but an index predicate is only proved from a query's own conditions: the wake-up states it, the claim does not, so
-- the claim cannot use this index whatever the statistics say (ClaimPlanTests).
drop index jobs_ready_due;
create index jobs_ready_wake on jobs (queue, run_at) where state = 'ready' and units > 0;
