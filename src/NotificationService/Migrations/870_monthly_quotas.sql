-- Monthly quotas per tenant and channel, set by the operator (PATCH /api/v1/platform/tenants/{id}). Owner of both tables:
-- Features/Tenancy/Quotas/MonthlyQuotas.

-- A tenant's quota on a channel: at most `per_month` messages accepted per UTC calendar month. `overage` says what a send
-- beyond it gets: `refuse`, a 429 naming the quota and its reset; `hold`, accepted and scheduled for the reset (charged to
-- the next month, whose quota bounds what can be held). No row: no quota on that channel.
create table tenant_quotas (
    tenant_id uuid not null,
    channel text not null,
    per_month bigint not null check (per_month >= 0),
    overage text not null check (overage in ('refuse', 'hold')),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, channel)
);

-- What each month's quota has been charged: messages accepted (or held for that month), added before they are accepted by
-- one conditional upsert that never passes the quota, so replicas charging at once together never exceed it.
create table quota_usage (
    tenant_id uuid not null,
    channel text not null,
    month date not null,                    -- the month's first day (UTC)
    used bigint not null check (used >= 0),
    primary key (tenant_id, channel, month)
);
