-- A member calls the admin API with a short-lived bearer token made from their console session (docs/decisions/
-- members-on-the-admin-api.md). It is a console_sessions row of its own kind, so everything that ends a member's
-- sessions (removal, disabling, a lower role, their own "End") ends their tokens in the same statement, on every
-- replica. A browser cookie never works as a token, nor a token as a cookie: each lookup names its kind.
alter table console_sessions
    add column kind text not null default 'browser' check (kind in ('browser', 'api')),
    add check (kind = 'browser' or member_id is not null);
