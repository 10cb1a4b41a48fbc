-- Retention of the audit log (issue 16): entries older than Retention:AuditLog:Days are purged a batch at a time,
-- oldest first. Without an index on their time each batch would scan the whole table; admin changes are few, so
-- keeping this one current costs nothing on any hot path.
create index audit_log_age on audit_log (at);
