-- An event in a window held a copy of its run's data and actor, and each event past a window's first `keep` rewrote the
-- one that fell out of its last `keep` to drop that copy: two writes per event besides the window's count. The digest now
-- reads the first and last `keep` events' data from their runs (DigestStore.KeptData), which hold it anyway, so an event
-- is one small row, inserted and never rewritten. The distinct actors count by `actor_key`, which stays; the first few
-- actors were always the window's own.
alter table digest_events drop column actor, drop column data, drop column kept;
-- Never rewritten now, event rows need no room on their pages for new versions (890 gave them half of each page).
alter table digest_events reset (fillfactor);
