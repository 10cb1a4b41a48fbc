-- A job may stand for several units of work (one delivery job for a group of notifications). The claim fills a
-- batch by units, not jobs, so a handler gets about the same amount of work whichever way it was enqueued.
alter table jobs add column units int not null default 1 check (units > 0);
