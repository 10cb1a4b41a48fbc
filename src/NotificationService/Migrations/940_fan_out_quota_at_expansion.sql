-- A send to topics is charged its members per channel at accept (quota_prepaid: the charge's lines, channel, month and
-- count) and settled when it expands: the members it gained meanwhile are charged then, those it lost given back.
-- quota_limits: set only when the quota could not take every member, how many members (by their order in the snapshot)
-- get each channel now, how many are held until the reset, and the snapshot's chunk size they are counted in.
alter table fan_outs add column quota_prepaid jsonb, add column quota_limits jsonb;
