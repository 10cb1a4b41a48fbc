-- A user's digest cadence per category ({"comments": {"cadence": "daily", "at": "09:00"}}): it replaces the window of the
-- category's workflow digest steps that say "userSchedule": true. Written by PreferenceStore with the rest of the row.
alter table user_preferences add column digests jsonb not null default '{}';
