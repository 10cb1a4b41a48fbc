using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Preferences;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>
/// The user chooses how often a category's digests come (`/users/me/preferences`, `digests`), and a digest step that says
/// `"userSchedule": true` opens their window on that cadence, in their profile time zone; a user who chose nothing gets
/// the step's window, and `immediate` sends each event at once. (The cadence across a clock change, on a clock the spec
/// owns: NotificationService.Workflows.Tests, DigestCadenceTests.)
/// </summary>
[Collection("service")]
public class DigestCadenceTests(ServiceFixture service)
{
    private const string Mine = EndUsers.Me + "/preferences";

    private const string Flow = """
        {"key": "comments", "name": "Comments", "category": "comments", "steps": [
          {"id": "batch", "type": "digest", "key": "data.threadId", "window": {"fixed": "PT1H"}, "userSchedule": true},
          {"id": "mail", "type": "send", "channel": "email", "template": "comments"}]}
        """;

    private async Task<TestTenant> TenantAsync()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "comments", name = "Comments" });
        await tenant.Http.PublishWorkflowAsync(Flow);
        return tenant;
    }

    [Fact]
    public async Task A_users_daily_cadence_closes_their_window_at_their_local_time_and_a_user_without_one_gets_the_steps_hour()
    {
        var tenant = await TenantAsync();
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com", timezone = "Asia/Tokyo" });
        await tenant.Http.IdentifyAsync("bob", new { email = "bob@example.com" });
        var ada = await service.UserClientAsync(tenant, "ada");
        var answer = await ada.PatchAsJsonAsync(Mine, new { digests = new { comments = new { cadence = "daily", at = "09:00" } } });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("daily", (await answer.Content.ReadFromJsonAsync<JsonNode>())!["digests"]!["comments"]!.Text("cadence"));

        var before = DateTimeOffset.UtcNow;
        var adas = await tenant.Http.TriggerAsync("comments", new { recipients = new[] { "ada" }, data = new { threadId = "t1", text = "hi" } });
        var bobs = await tenant.Http.TriggerAsync("comments", new { recipients = new[] { "bob" }, data = new { threadId = "t1", text = "hi" } });
        var waiting = await tenant.Http.WaitForWaitAsync(adas.Single(), "batch");
        Assert.Contains(waiting["timeline"]!.AsArray(), e => e.Text("what") == "digesting" && e.Text("detail")!.StartsWith("the recipient's cadence: daily at 09:00"));
        await tenant.Http.WaitForWaitAsync(bobs.Single(), "batch");

        var adaCloses = await ClosesAtAsync(tenant.Id, "ada");
        var tokyo = TimeZoneInfo.ConvertTime(adaCloses, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        Assert.Equal(new TimeSpan(9, 0, 0), tokyo.TimeOfDay);
        Assert.InRange(adaCloses, before, before.AddDays(1));
        var bobCloses = await ClosesAtAsync(tenant.Id, "bob");
        Assert.InRange(bobCloses - before, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task An_immediate_cadence_sends_each_event_at_once_as_a_digest_of_one()
    {
        var tenant = await TenantAsync();
        var ada = await service.UserClientAsync(tenant, "ada");
        Assert.Equal(HttpStatusCode.OK, (await ada.PatchAsJsonAsync(Mine, new { digests = new { comments = new { cadence = "immediate" } } })).StatusCode);

        var runs = new[] { await tenant.Http.CommentAsync("t1", "first"), await tenant.Http.CommentAsync("t1", "second") };
        foreach (var run in runs) Assert.True((await tenant.Http.WaitForRunAsync(run, "completed")).Sends("mail"));   // no close was made due
        var sent = await Eventually.Async(() => service.SentAsync(tenant.Id), s => s.Split(" | ").Length == 2, "two emails");
        Assert.Equal(2, sent.Split("1 new comments").Length - 1);
    }

    [Fact]
    public async Task A_cadence_is_removed_with_null_and_a_bad_one_is_refused_naming_its_field_and_writes_nothing()
    {
        var tenant = await TenantAsync();
        var ada = await service.UserClientAsync(tenant, "ada");
        Assert.Equal(HttpStatusCode.OK, (await ada.PatchAsJsonAsync(Mine, new { digests = new { comments = new { cadence = "weekly", day = "mon", at = "08:30" } } })).StatusCode);

        var bad = await ada.PatchAsJsonAsync(Mine, new { digests = new { comments = new { cadence = "weekly", day = "someday", at = "25:00" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["digests.comments.at", "digests.comments.day"], (await bad.JsonAsync()).ErrorKeys().Order(StringComparer.Ordinal));
        var unknown = await ada.PatchAsJsonAsync(Mine, new { digests = new { other = new { cadence = "hourly" } } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal(["digests.other"], (await unknown.JsonAsync()).ErrorKeys());
        var seen = (await tenant.Http.GetFromJsonAsync<JsonNode>(PreferencesApi.Of("ada")))!["digests"]!;
        Assert.Equal(("weekly", "mon", "08:30"), (seen["comments"]!.Text("cadence"), seen["comments"]!.Text("day"), seen["comments"]!.Text("at")));
        Assert.Null(seen["other"]);

        var removed = await ada.PatchAsync(Mine, JsonContent.Create(new JsonObject { ["digests"] = new JsonObject { ["comments"] = null } }));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty((await removed.Content.ReadFromJsonAsync<JsonNode>())!["digests"]!.AsObject());
    }

    private Task<DateTimeOffset> ClosesAtAsync(Guid tenantId, string userId) =>
        service.ScalarAsync<DateTime>("select closes_at from digest_windows where tenant_id = $1 and user_id = $2 and state = 'open'", tenantId, userId)
            .ContinueWith(t => new DateTimeOffset(DateTime.SpecifyKind(t.Result, DateTimeKind.Utc)));
}
