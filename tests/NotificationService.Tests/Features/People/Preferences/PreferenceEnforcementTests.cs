using System.Net;
using NotificationService.Features.Tenancy.Tenants;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Preferences;

/// <summary>
/// Preferences are applied by the worker when it sends, with the preferences of that moment: an opt-out ends the
/// notification `suppressed` with its reason in the history, a required category ignores opt-outs, quiet hours hold a
/// notification until the window ends (then it is sent) or drop it, and a send names a category the tenant has.
/// </summary>
[Collection("preferences")]
public class PreferenceEnforcementTests(PreferencesFixture service)
{
    private static async Task<TestTenant> TenantWithCategoriesAsync(PreferencesFixture service)
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "marketing", name = "Marketing", commercial = true });
        await tenant.Http.CreateCategoryAsync(new { key = "security", name = "Security alerts", required = true });
        await tenant.Http.CreateCategoryAsync(new { key = "general", name = "General", isDefault = true });
        return tenant;
    }

    [Fact]
    public async Task An_opted_out_user_is_suppressed_with_the_reason_and_a_required_category_still_goes()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await TenantWithCategoriesAsync(service);
        await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url, events = new[] { "notification.suppressed" } });
        await tenant.Http.PutPreferencesAsync("ada", new { channels = new { email = false } });

        var marketing = await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", "marketing"));
        var security = await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", "security"));

        var suppressed = await service.Ledger.WaitForAsync(marketing, "suppressed");
        Assert.Equal("preference:marketing/email", suppressed.Detail);
        Assert.Contains("suppressed: preference:marketing/email", await service.HistoryAsync(marketing));
        var status = await tenant.Http.StatusAsync(marketing);
        Assert.Equal("suppressed", status["status"]!.GetValue<string>());
        Assert.Equal("preference:marketing/email", status["lastError"]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from sandbox_messages where notification_id = $1", marketing));
        var webhook = JsonNode.Parse((await receiver.WaitForAsync(1)).Single().Body)!;
        Assert.Equal("notification.suppressed", webhook["type"]!.GetValue<string>());
        Assert.Equal(marketing.ToString(), webhook["data"]!["notificationId"]!.GetValue<string>());
        Assert.Equal("preference:marketing/email", webhook["data"]!["error"]!.GetValue<string>());

        await service.Ledger.WaitForAsync(security, "sent");
    }

    [Fact]
    public async Task The_preferences_of_the_moment_of_sending_count_not_those_at_accept()
    {
        var tenant = await TenantWithCategoriesAsync(service);
        // Accepted while the user is opted in, scheduled ahead; the user opts out; then it comes due and is sent.
        var id = await tenant.Http.SendOkAsync(new
        {
            channel = "email", recipient = new { userId = "bo", email = "bo@example.com" }, category = "marketing",
            content = new { subject = "S", body = "B" }, sendAt = DateTimeOffset.UtcNow.AddHours(1),
        });
        await tenant.Http.PutPreferencesAsync("bo", new { categories = new { marketing = new { email = false } } });
        await service.DueNowAsync(tenant.Id);
        Assert.Equal("preference:marketing/email", (await service.Ledger.WaitForAsync(id, "suppressed")).Detail);
    }

    [Fact]
    public async Task Quiet_hours_hold_until_the_window_ends_then_send_and_drop_suppresses()
    {
        var tenant = await TenantWithCategoriesAsync(service);
        await tenant.Http.CreateCategoryAsync(new { key = "digest", name = "Digest", quietHours = "drop" });
        // A window that started a minute ago and ends in half an hour, every day, in UTC (to the second, as windows are).
        var now = DateTime.UtcNow;
        var end = now.AddMinutes(30);
        await tenant.Http.PutPreferencesAsync("cy", new
        {
            quietHours = new
            {
                timeZone = "UTC",
                windows = new[] { new { days = new[] { "sun", "mon", "tue", "wed", "thu", "fri", "sat" }, start = now.AddMinutes(-1).ToString("HH:mm:ss"), end = end.ToString("HH:mm:ss") } },
            },
        });

        var held = await tenant.Http.SendOkAsync(PreferencesApi.Email("cy", "general", "cy@example.com"));
        var dropped = await tenant.Http.SendOkAsync(PreferencesApi.Email("cy", "digest", "cy@example.com"));

        Assert.Equal("quiet_hours:digest/email", (await service.Ledger.WaitForAsync(dropped, "suppressed")).Detail);
        await Eventually.Async(async () => (await service.HistoryAsync(held)).Contains("sending: held by quiet hours until "), "the general send to be held");
        // Held until the window ends: its job waits for that second (not for a poll, not sent now).
        var windowEnd = new DateTime(end.Year, end.Month, end.Day, end.Hour, end.Minute, end.Second, DateTimeKind.Utc);
        await Eventually.Async(() => service.ScalarAsync<DateTime>("select run_at from jobs where tenant_id = $1 and queue = 'email'", tenant.Id),
            runAt => Math.Abs((runAt.ToUniversalTime() - windowEnd).TotalSeconds) <= 1, $"the held job to be due at the window's end, {windowEnd:O}");

        // The window is over (here: the user drops quiet hours, and the held job's moment comes): it is sent.
        await tenant.Http.PutPreferencesAsync("cy", new { });
        await service.DueNowAsync(tenant.Id);
        await service.Ledger.WaitForAsync(held, "sent", timeout: TimeSpan.FromSeconds(30));
        Assert.Contains("sending: held by quiet hours until ", await service.HistoryAsync(held));
        Assert.Equal("sent", await service.ScalarAsync<string>("select status from notification_events where notification_id = $1 order by id desc limit 1", held));
    }

    [Fact]
    public async Task A_send_must_name_a_category_of_the_tenant_and_one_naming_none_gets_the_default()
    {
        var tenant = await TenantWithCategoriesAsync(service);
        var unknown = await tenant.Http.PostJsonAsync(Api.Send, PreferencesApi.Email("dee", "newsletter"));
        Assert.Equal((HttpStatusCode)422, unknown.StatusCode);
        Assert.Contains("category", await unknown.ProblemFieldsAsync());

        var batch = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "email", category = "newsletter", content = new { subject = "S", body = "B" }, recipients = new[] { new { email = "a@example.com" } },
        });
        Assert.Equal((HttpStatusCode)422, batch.StatusCode);
        Assert.Contains("category", await batch.ProblemFieldsAsync());

        var id = await tenant.Http.SendOkAsync(PreferencesApi.Email("dee", null));
        Assert.Equal("general", await service.ScalarAsync<string>("select category from notifications where id = $1", id));

        // A tenant without categories keeps category as a free label.
        var plain = await service.NewTenantAsync();
        var labelled = await plain.Http.SendOkAsync(PreferencesApi.Email("dee", "anything"));
        await service.Ledger.WaitForAsync(labelled, "sent");
    }

    [Fact]
    public async Task Overriding_preferences_needs_the_override_scope_and_then_delivers_past_an_opt_out()
    {
        var tenant = await TenantWithCategoriesAsync(service);
        await tenant.Http.PutPreferencesAsync("eve", new { categories = new { marketing = new { email = false } } });
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);

        var refused = await sender.PostJsonAsync(Api.Send, PreferencesApi.Email("eve", "marketing", overridePreferences: true));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("overridePreferences", await refused.ProblemFieldsAsync());

        var overrider = await service.KeyWithAsync(tenant.Id, Scopes.Send, Scopes.Override);
        var id = await overrider.SendOkAsync(PreferencesApi.Email("eve", "marketing", overridePreferences: true));
        await service.Ledger.WaitForAsync(id, "sent");
    }
}
