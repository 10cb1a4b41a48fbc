-- Chat (Slack, Microsoft Teams, Discord) as a sixth channel. The channel checks are replaced whole with `chat` added;
-- NOT VALID then VALIDATE, as the set only grows and validating takes a lock that lets writes go on.
alter table providers drop constraint providers_channel_check;
alter table providers add constraint providers_channel_check
    check (channel in ('email','sms','push','whatsapp','in_app','chat')) not valid;
alter table providers validate constraint providers_channel_check;

alter table templates drop constraint templates_channel_check;
alter table templates add constraint templates_channel_check
    check (channel in ('email','sms','push','whatsapp','in_app','chat')) not valid;
alter table templates validate constraint templates_channel_check;

alter table notifications drop constraint notifications_channel_check;
alter table notifications add constraint notifications_channel_check
    check (channel in ('email','sms','push','whatsapp','in_app','chat')) not valid;
alter table notifications validate constraint notifications_channel_check;

-- Where a person is reached on chat: {"slack": {"channelId"|"userId", "teamId"}, "teams": {"webhookUrl"},
-- "discord": {"webhookUrl"}}, validated by the service (Recipients/ProfileRules). Erased with the profile row.
alter table recipient_profiles add column chat jsonb;
