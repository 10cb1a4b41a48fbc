-- A digest step followed by a send on in_app alone makes its window one live inbox item: the run that opens the window
-- carries it at once (carrier_run_id and passed_run_id from the start), and each event that joins updates that run's item.
-- live_send_step names that send step (null: an ordinary window). Written by DigestStore with the rest of the row.
alter table digest_windows add column live_send_step text;
