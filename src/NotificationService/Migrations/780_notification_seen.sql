-- An in_app notification the user saw in the inbox (listed, not opened) is `seen`: after delivered, before read. NOT VALID
-- then VALIDATE: the new set only adds a value, and validating takes a lock that lets writes go on. Every status of the
-- earlier migrations is listed again: a constraint can only be replaced whole.
alter table notifications drop constraint notifications_status_check;
alter table notifications add constraint notifications_status_check check (status in ('accepted','queued','sending','sent',
    'delivered','seen','read','opened','clicked','failed','suppressed','skipped','cancelled','expired')) not valid;
alter table notifications validate constraint notifications_status_check;
