-- A notification's page lists its webhook deliveries (issue 15). Notification events carry their notification's id;
-- bulk_job.completed and webhook.test deliveries have none (null), and the partial index leaves them out.
-- Adding a nullable column without a default rewrites nothing. The index is keyed like the page's question
-- ("deliveries of this notification for this tenant"); notifications have a handful of events each, so no sort column.
alter table webhook_deliveries add column notification_id uuid;
create index webhook_deliveries_tenant_notification_idx on webhook_deliveries (tenant_id, notification_id) where notification_id is not null;
