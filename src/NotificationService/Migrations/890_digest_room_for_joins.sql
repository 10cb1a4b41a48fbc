-- Every event that joins a window updates the window's row (its count, its next position, a sliding close, the first
-- actors), and every event past a window's first `keep` drops the data of the one that just left its last `keep`.
-- Neither writes an indexed column, but the rows were inserted packed, so these updates were almost never HOT (the
-- bench's digest phase: 0.15 of 0.99 window updates per event, 0.00 of 0.94 event updates) and each wrote every index
-- of its table again: five for a window, two for an event. Room on each page for the rows' next versions lets them stay
-- on the page: a trigger updates every row of a page of windows at once, and drops the data of a page's worth of events,
-- so half of each page (70 % left a third of the drops without room in DigestWriteBudgetTests). Pages written from now
-- on keep it; events live only until their window closes.
alter table digest_windows set (fillfactor = 50);
alter table digest_events set (fillfactor = 50);
