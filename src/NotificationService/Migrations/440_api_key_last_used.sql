-- "Last used" for the API keys listing. Written when a replica loads the key into its cache (at most once per cache
-- time per replica while the key is in use), never per request: the accept path stays free of extra writes.
alter table service_accounts add column last_used_at timestamptz;
