using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Tests.Features.People.Preferences;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Analytics;

/// <summary>`GET /api/v1/admin/analytics`: the delivery funnel per group, from rollups written as statuses change.</summary>
[Collection("service")]
public class AnalyticsTests(ServiceFixture service)
{
    private static readonly string[] Steps = ["sent", "failed", "suppressed"];

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
            Assert.Equal(await CountAsync(tenant.Id, channel, null), group!["accepted"]!.GetValue<long>());
            foreach (var step in Steps) Assert.Equal(await CountAsync(tenant.Id, channel, step), group[step]!.GetValue<long>());
        }
        Assert.Equal(3, groups["sms"]!["sent"]!.GetValue<long>());
        Assert.Equal(2, groups["email"]!["failed"]!.GetValue<long>());
        Assert.Equal(1, groups["email"]!["suppressed"]!.GetValue<long>());
        Assert.Equal(0, groups["email"]!["sent"]!.GetValue<long>());   // the other tenant's sent email is not here
    }

    private async Task<long> CountAsync(Guid tenantId, string channel, string? status) => (await service.ScalarAsync<long>(
        "select count(*) from notifications where tenant_id = $1 and channel = $2 and ($3 = '' or status = $3)",
        tenantId, channel, status ?? ""))!;

    [Theory]
    [InlineData("groupBy=colour", "groupBy")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01T00:00:00Z", "to")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    public async Task Bad_query_parameters_are_a_400_naming_the_parameter(string query, string field)
    {
        var tenant = await service.NewTenantAsync(null);
        var response = await tenant.Http.GetAsync($"/api/v1/admin/analytics?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
    }
}
