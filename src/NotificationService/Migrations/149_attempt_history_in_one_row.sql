-- One history row per delivery attempt instead of two: the outcome row carries the attempt number and when the
-- attempt started, and reading the history derives the `sending · attempt N` entry from it (NotificationQueries).
-- Rows written before this migration keep their explicit `sending` rows (attempt is null there).
alter table notification_events add column attempt int, add column started_at timestamptz;
