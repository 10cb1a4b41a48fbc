using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Tests.Features.People.Preferences;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Analytics;

/// <summary>
/// `GET /api/v1/admin/analytics`: the rollups written from the ledger's status changes give the same figures as counting
/// the tenant's notifications and their history, per group, and nothing of another tenant.
/// </summary>
[Collection("service")]
public class AnalyticsTests(ServiceFixture service)
{
    private static readonly string[] Funnel = ["sent", "delivered", "opened", "read", "clicked", "failed", "suppressed"];

    private static string Window => $"from={DateTime.UtcNow.AddHours(-2):yyyy-MM-ddTHH:mm:ssZ}&to={DateTime.UtcNow.AddHours(2):yyyy-MM-ddTHH:mm:ssZ}";

    /// <summary>What counting gives: notifications of the tenant per group (accepted), and those whose history reached each status.</summary>
    private async Task<long> CountAsync(Guid tenant, string column, string key, string status)
    {
        var sql = status == "accepted"
            ? $"select count(*) from notifications where tenant_id = $1 and coalesce({column}, '') = $2"
            : $"""
              select count(distinct n.id) from notifications n join notification_events e on e.notification_id = n.id
              where n.tenant_id = $1 and coalesce(n.{column}, '') = $2 and e.status = '{status}'
              """;
        await using var cmd = service.Db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(tenant);
        cmd.Parameters.AddWithValue(key);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>Every group of the report, grouped by <paramref name="groupBy"/>, has the counts <see cref="CountAsync"/> gives by <paramref name="column"/>.</summary>
    private async Task AssertEqualsCountsAsync(TestTenant tenant, string groupBy, string column)
    {
        var report = await (await tenant.Http.GetAsync($"/api/v1/admin/analytics?groupBy={groupBy}&{Window}")).JsonAsync();
        var groups = report["groups"]!.AsArray();
        Assert.NotEmpty(groups);
        foreach (var g in groups)
            foreach (var status in Funnel.Prepend("accepted"))
                Assert.True(await CountAsync(tenant.Id, column, g!["key"]!.GetValue<string>(), status) == g[status]!.GetValue<long>(),
                    $"{groupBy} {g["key"]} {status}: {g[status]} in the report");
    }

    private async Task ReportAsync(Guid tenant, params (Guid Id, string Status, string? Error)[] reports)
    {
        var ledger = service.Factory.Services.GetRequiredService<NotificationLedger>();
        await using var tx = await ledger.BeginAsync(default);
        await ledger.ApplyReportsAsync(tx, tenant, "provider",
            reports.Select(r => new ReportedStatus(r.Id, null, r.Status, r.Error, r.Error, DateTimeOffset.UtcNow)).ToList(), default);
        await tx.CommitAsync(default);
    }

    [Fact]
    public async Task Figures_per_channel_and_category_equal_a_count_over_the_notifications_for_a_mix_of_outcomes()
    {
        var tenant = await service.NewTenantAsync();
        var other = await service.NewTenantAsync();
        object Mail(string to, string category) => new
        {
            channel = "email", recipient = new { email = to }, content = new { subject = "Hi", body = "Hello" }, category,
        };
        var billing = new List<Guid>();
        for (var i = 0; i < 5; i++) billing.Add(await tenant.Http.SendOkAsync(Mail($"b{i}@example.com", "billing")));
        var news = new List<Guid> { await tenant.Http.SendOkAsync(Mail("n0@example.com", "news")), await tenant.Http.SendOkAsync(Mail("n1@example.com", "news")) };
        var sms = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } });
        var theirs = await other.Http.SendOkAsync(Mail("t@example.com", "billing"));
        foreach (var id in billing.Concat(news).Append(sms).Append(theirs)) await service.Ledger.WaitForAsync(id, "sent");

        await ReportAsync(tenant.Id, (billing[0], "delivered", null), (billing[1], "opened", null), (billing[2], "clicked", null),
            (billing[3], "failed", "bounce: mailbox full for b3@example.com"), (news[0], "read", null), (news[1], "failed", "bounce: no such user"));
        await service.Ledger.WaitForAsync(news[1], "failed");
        await service.Ledger.WaitForAsync(billing[2], "clicked");

        // Every change above has committed (the ledger said so) and its observers ran: flush now instead of polling.
        await service.Factory.Services.GetRequiredService<AnalyticsFlusher>().FlushAsync(default);
        foreach (var (groupBy, column) in new[] { ("channel", "channel"), ("category", "category") })
            await AssertEqualsCountsAsync(tenant, groupBy, column);

        var byCategory = await (await tenant.Http.GetAsync($"/api/v1/admin/analytics?groupBy=category&{Window}")).JsonAsync();
        // A click implies delivery, not an open: billing[2] counts delivered and clicked.
        var billingGroup = byCategory["groups"]!.AsArray().Single(g => g!["key"]!.GetValue<string>() == "billing")!;
        Assert.Equal([5L, 5L, 3L, 1L, 1L, 1L], new[] { "accepted", "sent", "delivered", "opened", "clicked", "failed" }.Select(s => billingGroup[s]!.GetValue<long>()));
        var reasons = byCategory["reasons"]!.AsArray();
        Assert.Equal(2L, reasons.Single(r => r!["reason"]!.GetValue<string>() == "bounce")!["count"]!.GetValue<long>());
        Assert.DoesNotContain("example.com", byCategory.ToJsonString());   // a reason never carries the provider's words or an address

        var otherReport = await (await other.Http.GetAsync($"/api/v1/admin/analytics?groupBy=category&{Window}")).JsonAsync();
        Assert.Equal(1L, otherReport["groups"]!.AsArray().Single()!["accepted"]!.GetValue<long>());
    }


    [Fact]
    public async Task Each_channels_figures_equal_a_count_over_the_tenants_notifications_for_a_mix_of_outcomes()
    {
        // Email refused for good by its provider, sms taken: sent, failed and suppressed in one tenant.
        var tenant = await service.NewTenantAsync("""{"permanentRate": 1}""", "email");
        await service.AddProviderAsync(tenant.Id, "sms", "sandbox", "{}");
        await tenant.Http.PutPreferencesAsync("ada", new { channels = new { email = false } });
        var other = await service.NewTenantAsync("{}", "email");

        var sent = new List<(Guid Id, string Status)>();
        for (var i = 0; i < 3; i++)
            sent.Add((await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } }), "sent"));
        for (var i = 0; i < 2; i++) sent.Add((await tenant.Http.SendOkAsync(Api.Email($"f{i}@example.com")), "failed"));
        sent.Add((await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", null)), "suppressed"));
        foreach (var (id, status) in sent) await service.Ledger.WaitForAsync(id, status);
        await service.Ledger.WaitForAsync(await other.Http.SendOkAsync(Api.Email()), "sent");

        // Every change above has committed and its observers ran: flush now instead of polling.
        await service.Factory.Services.GetRequiredService<AnalyticsFlusher>().FlushAsync(default);
        var report = await (await tenant.Http.GetAsync("/api/v1/admin/analytics?groupBy=channel")).JsonAsync();
        var groups = report["groups"]!.AsArray().ToDictionary(g => g!["key"]!.GetValue<string>());

        Assert.Equal(["email", "sms"], groups.Keys.Order());
        foreach (var (channel, group) in groups)
        {
            Assert.Equal(await CountNowAsync(tenant.Id, channel, null), group!["accepted"]!.GetValue<long>());
            foreach (var step in new[] { "sent", "failed", "suppressed" }) Assert.Equal(await CountNowAsync(tenant.Id, channel, step), group[step]!.GetValue<long>());
        }
        Assert.Equal(3, groups["sms"]!["sent"]!.GetValue<long>());
        Assert.Equal(2, groups["email"]!["failed"]!.GetValue<long>());
        Assert.Equal(1, groups["email"]!["suppressed"]!.GetValue<long>());
        Assert.Equal(0, groups["email"]!["sent"]!.GetValue<long>());   // the other tenant's sent email is not here
    }

    [Fact]
    public async Task Figures_per_template_workflow_and_provider_equal_a_count_over_the_notifications()
    {
        // The worker's outcomes carry their dimensions and go straight to their cells; accepts are read by key at the flush;
        // a workflow named by a number is read by key too, as PostgreSQL prints it.
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "hello", channel = "email", locale = "en", parts = new { subject = "Hi", html = "<p>Hello</p>" } });
        object Send(string? template, object? metadata) => template is null
            ? new { channel = "email", recipient = new { email = "a@example.com" }, content = new { subject = "Hi", body = "Hello" }, metadata }
            : new { channel = "email", recipient = new { email = "a@example.com" }, template, metadata };
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await tenant.Http.SendOkAsync(Send("hello", new { workflow = "onboarding" })));
        for (var i = 0; i < 2; i++) ids.Add(await tenant.Http.SendOkAsync(Send(null, new { workflow = 7 })));
        ids.Add(await tenant.Http.SendOkAsync(Send(null, null)));
        foreach (var id in ids) await service.Ledger.WaitForAsync(id, "sent");

        await service.Factory.Services.GetRequiredService<AnalyticsFlusher>().FlushAsync(default);
        foreach (var (groupBy, column) in new[] { ("template", "template_key"), ("workflow", "metadata->>'workflow'"), ("provider", "provider_kind") })
            await AssertEqualsCountsAsync(tenant, groupBy, column);
        var byWorkflow = await (await tenant.Http.GetAsync($"/api/v1/admin/analytics?groupBy=workflow&{Window}")).JsonAsync();
        Assert.Equal([("", 1L), ("7", 2L), ("onboarding", 3L)],
            byWorkflow["groups"]!.AsArray().Select(g => (g!["key"]!.GetValue<string>(), g["sent"]!.GetValue<long>())).OrderBy(g => g.Item1));
    }

    [Fact]
    public async Task A_cell_counted_by_its_dimensions_and_by_key_in_one_flush_adds_both_counts()
    {
        var tenant = await service.NewTenantAsync();
        object Mail() => new { channel = "email", recipient = new { email = "a@example.com" }, content = new { subject = "Hi", body = "x" }, category = "both" };
        var (a, b) = (await tenant.Http.SendOkAsync(Mail()), await tenant.Http.SendOkAsync(Mail()));
        await service.Ledger.WaitForAsync(a, "sent");
        await service.Ledger.WaitForAsync(b, "sent");
        var flusher = service.Factory.Services.GetRequiredService<AnalyticsFlusher>();
        await flusher.FlushAsync(default);

        // One `delivered` whose writer knew the notification's dimensions, one whose writer did not: the same cell.
        StatusChange Delivered(Guid id, NotificationDimensions? dimensions) => new(id, tenant.Id, "email", "delivered", "sent", "provider",
            null, null, DateTimeOffset.UtcNow, new StoredRecipient(null, "a@example.com", null, null), null, Dimensions: dimensions);
        service.Factory.Services.GetRequiredService<AnalyticsCounter>()
            .OnChanged([Delivered(a, new(null, "both", "sandbox")), Delivered(b, null)]);
        await flusher.FlushAsync(default);

        var report = await (await tenant.Http.GetAsync($"/api/v1/admin/analytics?groupBy=category&{Window}")).JsonAsync();
        var group = report["groups"]!.AsArray().Single(g => g!["key"]!.GetValue<string>() == "both")!;
        Assert.Equal((2L, 2L), (group["sent"]!.GetValue<long>(), group["delivered"]!.GetValue<long>()));
    }

    private async Task<long> CountNowAsync(Guid tenantId, string channel, string? status) => (await service.ScalarAsync<long>(
        "select count(*) from notifications where tenant_id = $1 and channel = $2 and ($3 = '' or status = $3)",
        tenantId, channel, status ?? ""))!;

    [Theory]
    [InlineData("groupBy=colour", "groupBy")]
    [InlineData("groupBy=recipient", "groupBy")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01T00:00:00Z", "to")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    public async Task Bad_query_parameters_are_a_400_naming_the_parameter(string query, string field)
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.GetAsync($"/api/v1/admin/analytics?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
    }

    [Theory]
    [InlineData("to=0001-01-01T00:00:00Z", "to")]
    [InlineData("to=9999-12-31T23:59:59Z", "to")]
    [InlineData("from=9999-12-31T22:00:00Z&to=9999-12-31T23:59:59Z", "to")]
    [InlineData("from=0001-01-01T00:00:00Z", "from")]
    [InlineData("from=9999-12-31T22:00:00Z", "from")]
    public async Task A_date_at_either_end_of_the_calendar_is_a_400_naming_the_parameter_and_the_range_it_takes(string query, string field)
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.GetAsync($"/api/v1/admin/analytics?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("A date-time from 1970-01-01T00:00:00Z to 9999-12-30T23:59:59Z.",
            (await response.JsonAsync())["errors"]![field]![0]!.GetValue<string>());
    }
}
