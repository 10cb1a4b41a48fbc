-- The W3C trace context (traceparent) of whoever enqueued the job, so the worker that runs it continues that trace:
-- one trace from the HTTP request that accepted a notification through its delivery to the provider call.
-- Null when tracing is off (nothing listens): no cost then beyond a null column.
alter table jobs add column trace_parent text;
