-- A test run (started from the workflow editor or `POST /api/v1/admin/workflows/{key}/test-runs`) runs a saved version,
-- draft or not, with its sends forced to the sandbox and its delays and wait timeouts shortened by the test factor. The
-- flag is the run's own so lists, the run's page and analytics can tell test runs from real ones.
alter table workflow_runs add column test_run boolean not null default false;
