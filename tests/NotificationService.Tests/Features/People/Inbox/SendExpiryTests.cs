using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Preferences;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>
/// `expiresAt` on a send (and a batch) reaches the in_app item; a bad one is a 400 naming the field it came in.
/// (That the item then leaves the list and the counts: InboxTests.) One whose expiry passed before it was delivered ends `expired`.
/// </summary>
[Collection("service")]
public class SendExpiryTests(ServiceFixture service)
{
    /// <summary>Whole seconds, so the value read back from PostgreSQL (microseconds) compares exactly.</summary>
    private static DateTimeOffset InOneHour()
    {
        var at = DateTimeOffset.UtcNow.AddHours(1);
        return new DateTimeOffset(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private static DateTimeOffset ExpiryOf(JsonNode item) => DateTimeOffset.Parse(item["expiresAt"]!.GetValue<string>());

    [Fact]
    public async Task A_send_s_expiresAt_reaches_the_inbox_item_and_metadata_expiresAt_still_does()
    {
        var tenant = await service.NewTenantAsync(null);
        var at = InOneHour();
        var top = await service.SendInAppAsync(tenant, "e1", "top", expiresAt: at.ToString("O"));
        var legacy = await tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId = "e1" }, content = new { subject = "legacy", body = "b" },
            metadata = new { expiresAt = at.ToOffset(TimeSpan.FromHours(2)).ToString("O"), source = "crm" },
        });
        await service.Ledger.WaitForAsync(legacy, "sent");
        var user = await service.UserClientAsync(tenant, "e1");

        Assert.Equal(at, ExpiryOf((await user.GetFromJsonAsync<JsonNode>($"{EndUsers.Inbox}/{top}"))!));
        Assert.Equal(at, ExpiryOf((await user.GetFromJsonAsync<JsonNode>($"{EndUsers.Inbox}/{legacy}"))!));
        // Stored with the notification, in the metadata the ledger already writes (one UTC form), the caller's keys kept.
        var metadata = (await tenant.Http.StatusAsync(legacy))["metadata"]!;
        Assert.Equal(at, DateTimeOffset.Parse(metadata["expiresAt"]!.GetValue<string>()));
        Assert.Equal("crm", metadata["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_s_expiresAt_reaches_every_recipient_s_item()
    {
        var tenant = await service.NewTenantAsync(null);
        var at = InOneHour();
        var batch = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "in_app", content = new { subject = "s", body = "b" }, expiresAt = at,
            recipients = new[] { new { userId = "b1" }, new { userId = "b2" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        await Eventually.Async(async () => await service.ScalarAsync<long>(
            "select count(*) from inbox_items where tenant_id = $1 and expires_at = $2", tenant.Id, at.UtcDateTime) == 2, "both items, expiring");
        foreach (var userId in new[] { "b1", "b2" })
        {
            var items = (await (await service.UserClientAsync(tenant, userId)).GetFromJsonAsync<JsonNode>(EndUsers.Inbox))!["items"]!.AsArray();
            Assert.Equal(at, ExpiryOf(Assert.Single(items)!));
        }
    }

    [Fact]
    public async Task An_in_app_send_whose_expiry_passed_before_the_worker_reached_it_ends_expired_and_writes_nothing_to_the_inbox()
    {
        var tenant = await service.NewTenantAsync(null);
        var id = await tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId = "late" }, content = new { subject = "s", body = "b" },
            sendAt = DateTimeOffset.UtcNow.AddHours(1), expiresAt = DateTimeOffset.UtcNow.AddHours(2),
        });
        // The worker is late (a backlog, a retry): here its expiry is moved into the past while the send waits for sendAt.
        Assert.Equal(1, await service.ScalarAsync<int>("""
            update notifications set metadata = jsonb_set(metadata, '{expiresAt}', to_jsonb($2::text))
            where id = $1 and status = 'queued' returning 1
            """, id, DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O")));
        await service.DueNowAsync(tenant.Id);   // then the worker reaches it

        await service.Ledger.WaitForAsync(id, "expired", timeout: TimeSpan.FromSeconds(30));

        var status = await tenant.Http.StatusAsync(id);
        Assert.Equal("expired", status["status"]!.GetValue<string>());
        Assert.StartsWith("expired at ", status["lastError"]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from inbox_items where notification_id = $1", id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from inbox_counters where tenant_id = $1 and user_id = 'late'", tenant.Id));
    }

    public static TheoryData<string, string> BadExpiries => new()
    {
        { "not a date", "expiresAt" },
        { "in the past", "expiresAt" },
        { "over a year ahead", "expiresAt" },
        { "on an email send", "expiresAt" },
        { "given twice", "expiresAt" },
        { "before sendAt", "expiresAt" },
        { "metadata in the past", "metadata.expiresAt" },
    };

    [Theory]
    [MemberData(nameof(BadExpiries))]
    public async Task A_bad_expiry_is_a_400_naming_its_field(string bad, string field)
    {
        var tenant = await service.NewTenantAsync(null);
        var now = DateTimeOffset.UtcNow;
        var content = new { subject = "t", body = "b" };
        var inApp = new { userId = "x" };
        object body = bad switch
        {
            "not a date" => new { channel = "in_app", recipient = inApp, content, expiresAt = "next tuesday" },
            "in the past" => new { channel = "in_app", recipient = inApp, content, expiresAt = now.AddMinutes(-1) },
            "over a year ahead" => new { channel = "in_app", recipient = inApp, content, expiresAt = now.AddDays(366) },
            "on an email send" => new { channel = "email", recipient = new { email = "x@example.com" }, content, expiresAt = now.AddHours(1) },
            "given twice" => new { channel = "in_app", recipient = inApp, content, expiresAt = now.AddHours(1), metadata = new { expiresAt = now.AddHours(1) } },
            "before sendAt" => new { channel = "in_app", recipient = inApp, content, sendAt = now.AddHours(2), expiresAt = now.AddHours(1) },
            "metadata in the past" => new { channel = "in_app", recipient = inApp, content, metadata = new { expiresAt = now.AddMinutes(-1) } },
            _ => throw new ArgumentOutOfRangeException(nameof(bad)),
        };
        var response = await tenant.Http.PostJsonAsync(Api.Send, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ProblemFieldsAsync());
    }
}
