using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Features.Automation.Workflows;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// Erase (GDPR Art. 17): `DELETE /users/{userId}` answers 202 with an erase job, which removes the person from every table
/// (a sweep of every text, json and bytea column finds none of their values afterwards) while each notification keeps its
/// id, channel, status and times; a notification still in flight ends `cancelled`, reason `erased`; a workflow run of theirs,
/// waiting or not, is gone with its timeline and waits; a topic event whose data names them is gone.
/// </summary>
[Collection("service")]
public class EraseTests(ServiceFixture service)
{
    private sealed record Person(string UserId, string Email, string Phone, string Name, string Secret)
    {
        public static Person New()
        {
            var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
            return new Person($"erase-me-{tag}", $"zora.{tag}@example.com", $"+4477009{RandomNumberGenerator.GetInt32(100000, 999999)}",
                $"Zora Quixotica {tag}", $"DATA-{tag}");
        }

        public string[] Values => [UserId, Email, Phone, Name, Secret];
    }

    [Fact]
    public async Task An_erase_leaves_no_copy_of_the_persons_values_in_any_column_of_any_table_and_keeps_each_notifications_id_channel_status_and_times()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var p = Person.New();
        await using var receiver = await LoopbackReceiver.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks",
            new { url = receiver.Url, events = new[] { "notification.accepted", "notification.sent" } })).StatusCode);

        // Everything a tenant does with a person: a profile, a device, preferences, sends by userId on three channels that
        // render the name and data, an address-only send with an idempotency key naming the address, a scheduled send
        // still waiting, and a CSV of recipients (stored file, a rejected row naming the person).
        await tenant.Http.IdentifyAsync(p.UserId, new { email = p.Email, phone = p.Phone, name = p.Name, timezone = "Europe/Paris", data = new { code = p.Secret } });
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PostJsonAsync("/api/v1/services/devices", new { userId = p.UserId, token = "tok-" + p.Secret, platform = "android" })).StatusCode);
        Assert.True((await tenant.Http.PutAsJsonAsync($"{RecipientsApi.Of(p.UserId)}/preferences", new { channels = new { whatsapp = false } })).IsSuccessStatusCode);
        await tenant.Http.TopicWithAsync("building-12", p.UserId, "their-neighbour");
        // A workflow run waiting for an event (data naming them), and a live event to their topic naming them to the neighbours.
        await tenant.Http.PublishWorkflowAsync("""{"key":"hold","name":"Hold","steps":[{"id":"paid","type":"waitFor","event":"order.paid","timeout":"P1D","then":[]}]}""");
        var run = (await tenant.Http.TriggerAsync("hold", new { recipients = new[] { p.UserId }, data = new { who = p.Name, email = p.Email } })).Single();
        await tenant.Http.WaitForWaitAsync(run, "paid");
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PostJsonAsync("/api/v1/services/events",
            new { to = new { topics = new[] { "building-12" } }, type = "neighbour.moved", data = new { who = p.Name, email = p.Email } })).StatusCode);
        var content = new { subject = "Hi {{recipient.name}}", body = "Your code {{recipient.data.code}}" };
        var sent = new List<Guid>
        {
            await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = p.UserId }, content }),
            await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { userId = p.UserId }, content }),
            await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = p.UserId }, content }),
        };
        var keyed = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "email", recipient = new { email = p.Email }, content = new { subject = "Dear {{who}}", body = "…" },
            data = new { who = p.Name } }, idempotencyKey: "welcome-" + p.Email);
        Assert.Equal(HttpStatusCode.Accepted, keyed.StatusCode);
        sent.Add(Guid.Parse((await keyed.JsonAsync())["id"]!.GetValue<string>()));
        var scheduled = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = p.UserId }, content, sendAt = DateTimeOffset.UtcNow.AddHours(1) });
        // A send to their topic whose run has begun (its membership snapshot taken, no chunk sent yet), and one excluding them.
        var running = await StartedFanOutAsync(tenant, "building-12");
        await tenant.Http.SendToTopicsAsync(new { channels = new[] { "in_app" }, recipient = new { topics = new[] { "building-12" }, excludeUserIds = new[] { p.UserId } },
            content = new { subject = "Building notice", body = "…" }, sendAt = DateTimeOffset.UtcNow.AddHours(1) });
        foreach (var id in sent) await service.Ledger.WaitForAsync(id, "sent");
        var upload = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8($"email,first_name,order_id\n{p.Email},{p.Name},O-1\nnot-an-address,{p.Name},O-2\n"));
        var bulkJob = Guid.Parse((await upload.JsonAsync())["jobId"]!.GetValue<string>());
        Assert.Equal("completed", (await BulkCsv.WaitFinishedAsync(tenant.Http, bulkJob))["status"]!.GetValue<string>());
        var bulkSent = Guid.Parse((await service.ScalarAsync<string>("select id::text from notifications where batch_id = $1", bulkJob))!);
        await service.Ledger.WaitForAsync(bulkSent, "sent");
        await Eventually.Async(() => receiver.Requests.Count >= 2 * 5, "the accepted and sent webhooks of the five sends by then");
        // Copies other paths leave that a spec cannot provoke cheaply (a provider's callback racing the worker, a console
        // lift of a suppression, a provider error quoting the number, an end user's open stream ticket) are written as
        // those paths write them.
        await InsertCopiesLeftByOtherPathsAsync(tenant.Id, p);

        // The sweep sees the copies it is meant to find (so finding nothing afterwards means something).
        Assert.Superset(new HashSet<string> { "recipient_profiles.email", "sandbox_messages.recipient", "bulk_file_chunks.data", "idempotency_keys.key",
            "suppressions.address", "audit_log.target_id", "provider_callback_parked.event", "notifications.recipient" },
            (await PrivacyApi.WhereStoredAsync(service.Db, p.Email)).ToHashSet());
        Assert.Superset(new HashSet<string> { "recipient_profiles.name", "sandbox_messages.content", "inbox_items.title", "bulk_errors.original", "notifications.data",
            "workflow_runs.data", "topic_events.data" },
            (await PrivacyApi.WhereStoredAsync(service.Db, p.Name)).ToHashSet());
        Assert.Superset(new HashSet<string> { "recipient_profiles.data", "sandbox_messages.content", "inbox_items.body" },
            (await PrivacyApi.WhereStoredAsync(service.Db, p.Secret)).ToHashSet());
        Assert.Superset(new HashSet<string> { "notifications.recipient", "devices.user_id", "user_preferences.user_key", "inbox_items.user_id", "inbox_counters.user_id",
            "inbox_events.user_id", "webhook_deliveries.payload", "user_stream_tickets.user_id", "topic_members.user_id",
            "workflow_runs.user_id", "workflow_waits.user_id", "fan_out_chunks.user_ids", "fan_outs.definition" },
            (await PrivacyApi.WhereStoredAsync(service.Db, p.UserId)).ToHashSet());
        Assert.Contains("jobs.last_error", await PrivacyApi.WhereStoredAsync(service.Db, p.Phone));
        var kept = await NotificationRowsAsync(tenant.Id);

        var jobId = await tenant.Http.EraseAsync(p.UserId);
        var status = await tenant.Http.WaitErasedAsync(jobId);

        foreach (var value in p.Values)
        {
            var left = await PrivacyApi.WhereStoredAsync(service.Db, value);
            Assert.True(left.Count == 0, $"'{value}' is still stored in: {string.Join(", ", left)}");
        }
        Assert.Equal(6, status.Count("notifications"));
        Assert.Equal(1, status.Count("cancelled"));
        Assert.Equal((1, 1, 1), (status.Count("profile"), status.Count("devices"), status.Count("bulkFiles")));
        Assert.Equal((1, 1, 2), (status.Count("workflowRuns"), status.Count("topicEvents"), status.Count("fanOuts")));
        Assert.Equal(["their-neighbour"], await service.ScalarAsync<string[]>("select user_ids from fan_out_chunks where fan_out_id = $1", running));
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"{WorkflowApi.Services}/runs/{run}")).StatusCode);

        // The rows are still there, with what usage and audit need: same ids, channels, statuses (bar the cancelled one) and times.
        var after = await NotificationRowsAsync(tenant.Id);
        Assert.Equal(kept.Keys.Order(), after.Keys.Order());
        foreach (var (id, row) in kept)
            Assert.Equal(id == scheduled ? row with { Status = "cancelled", UpdatedAt = after[id].UpdatedAt } : row, after[id]);
        await service.Ledger.WaitForAsync(scheduled, "cancelled");
        var cancelled = await tenant.Http.StatusAsync(scheduled);
        Assert.Equal("erased", cancelled["lastError"]!.GetValue<string>());
        Assert.Equal(("cancelled", "system", "erased"), cancelled["history"]!.AsArray().Select(h => (h!["status"]!.GetValue<string>(), h["source"]!.GetValue<string>(),
            h["detail"]?.GetValue<string>())).Last());
        Assert.Null(await tenant.Http.ProfileAsync(p.UserId));
        // They left the topic, and its count says so exactly; the other member stays.
        Assert.Equal(1, (await tenant.Http.GetFromJsonAsync<JsonObject>(TopicsApi.Of("building-12")))!["memberCount"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_same_userId_in_another_tenant_is_untouched_and_the_audit_says_who_asked_without_any_erased_value()
    {
        var (tenant, other) = (await service.NewTenantAsync(), await service.NewTenantAsync());
        var p = Person.New();
        foreach (var t in new[] { tenant, other })
            await t.Http.IdentifyAsync(p.UserId, new { email = p.Email, name = p.Name, data = new { code = p.Secret } });
        var theirs = await other.Http.SendOkAsync(new { channel = "email", recipient = new { userId = p.UserId }, content = new { subject = "Hi {{recipient.name}}", body = "x" } });
        await service.Ledger.WaitForAsync(theirs, "sent");

        var jobId = await tenant.Http.EraseAsync(p.UserId);
        await tenant.Http.WaitErasedAsync(jobId);

        Assert.Null(await tenant.Http.ProfileAsync(p.UserId));
        var profile = (await other.Http.ProfileAsync(p.UserId))!;
        Assert.Equal((p.Email, p.Name), (profile.Text("email"), profile.Text("name")));
        Assert.Equal(p.UserId, (await other.Http.StatusAsync(theirs))["recipient"]!["userId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(PrivacyApi.StatusOf(jobId))).StatusCode);

        var audit = (await tenant.Http.GetFromJsonAsync<JsonNode>("/api/v1/admin/audit?action=user.erase"))!["items"]!.AsArray();
        var entry = Assert.Single(audit)!;
        Assert.Equal(("erase_job", jobId.ToString()), (entry["targetType"]!.GetValue<string>(), entry["targetId"]!.GetValue<string>()));
        Assert.StartsWith("key nsk_", entry["actor"]!.GetValue<string>());
        Assert.False(entry["after"]!["block"]!.GetValue<bool>());
        var text = entry.ToJsonString();
        Assert.All(p.Values, v => Assert.DoesNotContain(v, text, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Erase_needs_users_erase_or_admin_and_export_needs_users_read()
    {
        var tenant = await service.NewTenantAsync();
        var reader = await service.KeyWithAsync(tenant.Id, "users:read");
        var eraser = await service.KeyWithAsync(tenant.Id, "users:erase");
        var writer = await service.KeyWithAsync(tenant.Id, "users:write");
        await tenant.Http.IdentifyAsync("scoped", new { name = "Scoped" });

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync(RecipientsApi.Of("scoped"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.DeleteAsync(RecipientsApi.Of("scoped"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await eraser.GetAsync(RecipientsApi.Of("scoped") + "/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(RecipientsApi.Of("scoped") + "/export")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await eraser.DeleteAsync(RecipientsApi.Of(new string('u', 300)))).StatusCode);
        Assert.NotNull(await tenant.Http.ProfileAsync("scoped"));

        var first = await eraser.EraseAsync("scoped");
        await eraser.WaitErasedAsync(first);
        Assert.Null(await tenant.Http.ProfileAsync("scoped"));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync(PrivacyApi.StatusOf(first))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await eraser.GetAsync(PrivacyApi.StatusOf(Guid.NewGuid()))).StatusCode);

        // Admin implies the scope; erasing again (nothing left) is a new job that completes too.
        await tenant.Http.IdentifyAsync("scoped", new { name = "Back" });
        var again = await tenant.Http.EraseAsync("scoped");
        Assert.NotEqual(first, again);
        await tenant.Http.WaitErasedAsync(again);
        Assert.Null(await tenant.Http.ProfileAsync("scoped"));
    }

    /// <summary>
    /// A send to <paramref name="topic"/> scheduled an hour ahead, then started and snapshotted by the fan-out store as its job
    /// would (running, its chunks waiting): a fan-out caught between its snapshot and its chunks. Its job stays an hour ahead.
    /// </summary>
    private async Task<Guid> StartedFanOutAsync(TestTenant tenant, string topic)
    {
        var id = await tenant.Http.SendToTopicsAsync(new { channels = new[] { "in_app" }, recipient = new { topics = new[] { topic } },
            content = new { subject = "Building notice", body = "…" }, sendAt = DateTimeOffset.UtcNow.AddHours(1) });
        var store = service.Factory.Services.GetRequiredService<FanOutStore>();
        var run = await store.StartAsync(tenant.Id, id, default);
        Assert.NotNull(await store.SnapshotAsync(run!, [], 2_000, default));
        return id;
    }

    private async Task InsertCopiesLeftByOtherPathsAsync(Guid tenantId, Person p)
    {
        await using var cmd = service.Db.CreateBatch();
        void Add(string sql, params object[] args)
        {
            var c = new Npgsql.NpgsqlBatchCommand(sql);
            foreach (var a in args) c.Parameters.Add(new Npgsql.NpgsqlParameter { Value = a });
            cmd.BatchCommands.Add(c);
        }
        Add("insert into provider_callback_parked (provider_id, tenant_id, provider_message_id, event) values ($1, $2, 'SM-parked', $3::jsonb)",
            Guid.NewGuid(), tenantId, new JsonObject { ["status"] = "bounced", ["detail"] = $"550 {p.Email} unknown" }.ToJsonString());
        Add("insert into suppressions (tenant_id, channel, address, reason, detail) values ($1, 'email', $2, 'bounce', 'hard bounce')", tenantId, p.Email);
        Add("insert into audit_log (tenant_id, actor, action, target_type, target_id, before) values ($1, 'console nsk_x', 'suppression.remove', 'suppression', $2, $3::jsonb)",
            tenantId, "email:" + p.Email, new JsonObject { ["address"] = p.Email, ["note"] = p.Name }.ToJsonString());
        Add("insert into jobs (queue, kind, tenant_id, state, args, last_error) values ('sms', 'deliver', $1, 'dead', '{}', $2)",
            tenantId, $"21211: The 'To' number {p.Phone} is not a valid phone number");
        Add("insert into user_stream_tickets (tenant_id, ticket_hash, user_id, expires_at) values ($1, $2, $3, now() + interval '1 minute')",
            tenantId, RandomNumberGenerator.GetBytes(32), p.UserId);
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed record Row(string Channel, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SentAt);

    private async Task<Dictionary<Guid, Row>> NotificationRowsAsync(Guid tenantId)
    {
        await using var cmd = service.Db.CreateCommand("select id, channel, status, attempts, created_at, updated_at, sent_at from notifications where tenant_id = $1");
        cmd.Parameters.AddWithValue(tenantId);
        var rows = new Dictionary<Guid, Row>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows[r.GetGuid(0)] = new Row(r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6));
        return rows;
    }
}
