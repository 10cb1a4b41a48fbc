-- Issue 33, scope 3: a workflow trigger may name topics. It is a fan-out like a send to topics (630): the same
-- `fan_outs` row and `fan_out_chunks` snapshot, still written only by FanOutStore (Features/Topics); `kind` says what
-- a chunk makes for each member: notifications (`send`, every fan-out so far) or workflow runs (`workflow`, started by
-- Features/Workflows/WorkflowFanOutHandler, counted in runs_started).
alter table fan_outs
    add column kind text not null default 'send' check (kind in ('send', 'workflow')),
    add column runs_started bigint not null default 0;

-- The database's own word on "one run per (fan-out, member)": a run started by a fan-out names it, and only those runs
-- are in this partial index (a trigger's explicit recipients pay nothing but the predicate). A chunk committed twice —
-- it cannot be, its row is consumed by the commit, but a replay must still be harmless — inserts nothing the second time.
alter table workflow_runs add column fan_out_id uuid;
create unique index workflow_runs_fan_out_once on workflow_runs (tenant_id, fan_out_id, user_id) where fan_out_id is not null;
