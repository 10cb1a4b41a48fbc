using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Administration.Privacy;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Delivery;

/// <summary>
/// The chat channel end to end through the sandbox provider (the platform adapters are specified in the Channels specs):
/// a profile's `chat` is set and checked through the recipients API, a send by userId takes it at delivery, a send may
/// name it inline, a person without one is skipped, a template's rich parts render and are held to the platform's limits,
/// and an erase leaves nothing of it anywhere in the database.
/// </summary>
[Collection("service")]
public class ChatChannelTests(ServiceFixture service)
{
    private const string Hook = "https://discord.com/api/webhooks/123456789012345678/";

    private async Task<TestTenant> TenantAsync() => await service.NewTenantAsync("{}", "chat", "email");

    private async Task<JsonNode> SandboxAsync(Guid id, string column) =>
        JsonNode.Parse((await service.ScalarAsync<string>($"select {column}::text from sandbox_messages where notification_id = $1", id))!)!;

    [Fact]
    public async Task A_send_by_userId_goes_to_the_profiles_chat_destination_and_a_person_without_one_is_skipped()
    {
        var tenant = await TenantAsync();
        await tenant.Http.IdentifyAsync("ada", new { chat = new { slack = new { channelId = "C0123ABCDEF" } } });
        Assert.Equal("C0123ABCDEF", (await tenant.Http.ProfileAsync("ada"))!["chat"]!["slack"]!["channelId"]!.GetValue<string>());

        var sent = await tenant.Http.SendOkAsync(new { channel = "chat", recipient = new { userId = "ada" }, content = new { body = "Deploy *done*" } });
        var skipped = await tenant.Http.SendOkAsync(new { channel = "chat", recipient = new { userId = "nobody" }, content = new { body = "x" } });
        await service.Ledger.WaitForAsync(sent, "sent");
        Assert.Equal("no_address:chat", (await service.Ledger.WaitForAsync(skipped, "skipped")).Detail);
        Assert.Equal("C0123ABCDEF", (await SandboxAsync(sent, "recipient"))["chat"]!["slack"]!["channelId"]!.GetValue<string>());
        Assert.Equal("Deploy *done*", (await SandboxAsync(sent, "content"))["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_names_each_recipients_chat_destination_and_a_bad_one_is_refused_alone_naming_its_field()
    {
        var tenant = await TenantAsync();
        var accepted = await (await tenant.Http.PostJsonAsync(Api.Send + "-batch", new
        {
            channel = "chat", content = new { body = "Release {{v}}" },
            recipients = new object[]
            {
                new { chat = new { slack = new { channelId = "C0BATCH0001" } }, data = new { v = "1" } },
                new { chat = new { discord = new { webhookUrl = "https://evil.example/api/webhooks/1/tok" } } },
            },
        })).JsonAsync();
        Assert.Equal(1, accepted["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(accepted["rejected"]!.AsArray());
        Assert.Equal(1, rejected!["index"]!.GetValue<int>());
        Assert.Contains("recipient.chat.discord.webhookUrl", rejected["errors"]!.AsObject().Select(e => e.Key));
        var batch = Guid.Parse(accepted["batchId"]!.GetValue<string>());
        var id = await service.ScalarAsync<Guid>("select id from notifications where tenant_id = $1 and batch_id = $2", tenant.Id, batch);
        await service.Ledger.WaitForAsync(id, "sent");
        Assert.Equal("C0BATCH0001", (await SandboxAsync(id, "recipient"))["chat"]!["slack"]!["channelId"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_inline_destination_is_checked_at_accept_and_a_foreign_host_or_private_address_is_a_400_naming_the_field()
    {
        var tenant = await TenantAsync();
        var ok = await tenant.Http.SendOkAsync(new { channel = "chat", recipient = new { chat = new { discord = new { webhookUrl = Hook + "tok" } } }, content = new { body = "alert" } });
        await service.Ledger.WaitForAsync(ok, "sent");

        foreach (var url in new[] { "https://evil.example/api/webhooks/1/tok", "https://10.0.0.7/api/webhooks/1/tok", "http://discord.com/api/webhooks/1/tok" })
        {
            var refused = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "chat", recipient = new { chat = new { discord = new { webhookUrl = url } } }, content = new { body = "x" } });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("recipient.chat.discord.webhookUrl", await refused.ErrorFieldsAsync());
        }
        var none = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "chat", recipient = new { email = "a@example.com" }, content = new { body = "x" } });
        Assert.Contains("recipient.chat", await none.ErrorFieldsAsync());
    }

    [Fact]
    public async Task A_profile_refuses_a_foreign_webhook_host_and_a_slack_destination_naming_both_ids_and_writes_nothing()
    {
        var tenant = await TenantAsync();
        var foreign = await tenant.Http.PutProfileAsync("bo", new { email = "bo@example.com", chat = new { teams = new { webhookUrl = "https://169.254.169.254/workflows/x" } } });
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("chat.teams.webhookUrl", await foreign.ErrorFieldsAsync());
        Assert.DoesNotContain("169.254.169.254", await foreign.Content.ReadAsStringAsync());
        var both = await tenant.Http.PutProfileAsync("bo", new { chat = new { slack = new { channelId = "C0123ABCDEF", userId = "U0123ABCDEF" } } });
        Assert.Contains("chat.slack", await both.ErrorFieldsAsync());
        Assert.Null(await tenant.Http.ProfileAsync("bo"));
    }

    [Fact]
    public async Task A_platform_host_that_resolves_to_a_private_address_is_refused_at_save_naming_the_field_and_nothing_is_written()
    {
        var tenant = await service.NewTenantAsync("{}", "chat");
        var host = $"prod-{Guid.NewGuid():N}".Substring(0, 20) + ".westus.logic.azure.com";
        service.Resolver.Answers[host] = [System.Net.IPAddress.Parse("10.0.0.7")];
        var hook = $"https://{host}/workflows/abc/triggers/manual/paths/invoke?sig=private-token";
        var teams = new { teams = new { webhookUrl = hook } };

        var profile = await tenant.Http.PutProfileAsync("di", new { email = "di@example.com", chat = teams });
        Assert.Equal(HttpStatusCode.BadRequest, profile.StatusCode);
        Assert.Contains("chat.teams.webhookUrl", await profile.ErrorFieldsAsync());
        Assert.DoesNotContain("private-token", await profile.Content.ReadAsStringAsync());
        Assert.Null(await tenant.Http.ProfileAsync("di"));

        var send = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "chat", recipient = new { chat = teams }, content = new { body = "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, send.StatusCode);
        Assert.Contains("recipient.chat.teams.webhookUrl", await send.ErrorFieldsAsync());

        var config = await tenant.Http.PostJsonAsync(Providers.ProviderApi.Url,
            new { channel = "chat", kind = "teams_webhook", name = "Teams", settings = new { }, secrets = new { webhookUrl = hook } });
        Assert.Equal(HttpStatusCode.BadRequest, config.StatusCode);
        Assert.Contains("secrets.webhookUrl", await config.ErrorFieldsAsync());
        Assert.DoesNotContain("private-token", await config.Content.ReadAsStringAsync());
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from providers where tenant_id = $1 and kind = 'teams_webhook'", tenant.Id));

        service.Resolver.Answers[host] = [System.Net.IPAddress.Parse("52.160.0.10")];   // the same URL, answered public: saved
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PutProfileAsync("di", new { chat = teams })).StatusCode);
    }

    [Fact]
    public async Task A_templates_embeds_render_per_string_and_a_render_over_Discords_limits_fails_with_the_reason()
    {
        var tenant = await TenantAsync();
        await tenant.Http.CreateTemplateAsync(new
        {
            key = "deploy", channel = "chat", locale = "en", description = "deploy notice",
            parts = new { text = "Deployed {{version}}", embeds = new object[] { new { title = "{{version}}", description = "{{notes}}" } } },
        });
        var to = new { chat = new { discord = new { webhookUrl = Hook + "tok" } } };
        var sent = await tenant.Http.SendOkAsync(new { channel = "chat", recipient = to, template = "deploy", data = new { version = "v2 \"quoted\"", notes = "ok" } });
        var tooLong = await tenant.Http.SendOkAsync(new { channel = "chat", recipient = to, template = "deploy", data = new { version = "v3", notes = new string('n', 4097) } });

        await service.Ledger.WaitForAsync(sent, "sent");
        var failed = await service.Ledger.WaitForAsync(tooLong, "failed");
        Assert.Contains("chat_limits", failed.Error);
        Assert.Contains("parts.embeds[0].description", failed.Error);
        Assert.Equal("Deployed v2 \"quoted\"", (await SandboxAsync(sent, "content"))["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_template_with_an_unknown_chat_part_or_a_card_that_is_not_one_is_refused_naming_the_part()
    {
        var tenant = await TenantAsync();
        var response = await tenant.Http.PostJsonAsync(TemplateApi.Root, new
        {
            key = "bad", channel = "chat", locale = "en", parts = new { text = "x", card = new { type = "Nope" }, subject = "y" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = await response.ErrorFieldsAsync();
        Assert.Contains("parts.card", fields);
        Assert.Contains("parts.subject", fields);
    }

    [Fact]
    public async Task An_erased_users_chat_data_is_gone_from_the_whole_database()
    {
        var tenant = await TenantAsync();
        var token = "erase-me-" + Guid.NewGuid().ToString("N");
        await tenant.Http.IdentifyAsync("cy", new { chat = new { discord = new { webhookUrl = Hook + token } } });
        var id = await tenant.Http.SendOkAsync(new { channel = "chat", recipient = new { userId = "cy" }, content = new { body = "hi" } });
        await service.Ledger.WaitForAsync(id, "sent");
        Assert.NotEmpty(await PrivacyApi.WhereStoredAsync(service.Db, token));

        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync("cy"));
        Assert.Empty(await PrivacyApi.WhereStoredAsync(service.Db, token));
    }

    [Fact]
    public async Task A_topic_send_on_chat_to_a_thousand_members_reaches_each_once_at_their_own_destination()
    {
        var tenant = await TenantAsync();
        var users = Enumerable.Range(0, 1000).Select(i => $"m{i:D4}").ToArray();
        var identify = await tenant.Http.PostJsonAsync(RecipientsApi.Users + "/bulk",
            new { users = users.Select(u => new { userId = u, chat = new { discord = new { webhookUrl = Hook + u } } }) });
        Assert.True(identify.IsSuccessStatusCode, await identify.Content.ReadAsStringAsync());
        await tenant.Http.TopicWithAsync("ops", users);

        var fanOut = await tenant.Http.SendToTopicsAsync(new { channel = "chat", recipient = new { topics = new[] { "ops" } }, content = new { body = "Incident resolved" } });
        await tenant.Http.WaitForFanOutAsync(fanOut, "completed", timeoutSeconds: 120);
        var rows = await service.FanOutNotificationsAsync(fanOut);
        Assert.Equal(users, rows.Select(r => r.UserId).Order(StringComparer.Ordinal));
        foreach (var row in rows) await service.Ledger.WaitForAsync(row.Id, "sent", timeout: TimeSpan.FromMinutes(2));

        await using var cmd = service.Db.CreateCommand("""
            select count(*), count(distinct s.recipient->'chat'->'discord'->>'webhookUrl'),
                   count(*) filter (where s.recipient->'chat'->'discord'->>'webhookUrl' = $2 || (n.recipient->>'userId'))
            from sandbox_messages s join notifications n on n.id = s.notification_id where n.batch_id = $1
            """);
        cmd.Parameters.AddWithValue(fanOut);
        cmd.Parameters.AddWithValue(Hook);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal((1000L, 1000L, 1000L), (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)));
    }
}
