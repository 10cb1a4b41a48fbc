-- The address a send by userId went to: its profile's, resolved at delivery (a send that names its address keeps it in
-- `recipient`). Support looks a notification up by the address it reached; the erase empties it with the recipient.
-- Written normalized (lower-case email, +digits phone) by the statement that records the attempt; null for the rest.
alter table notifications add column address text;
create index notifications_delivery_address on notifications (tenant_id, address) where address is not null;
