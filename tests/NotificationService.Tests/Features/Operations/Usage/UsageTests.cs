using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Usage;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Usage;

/// <summary>`GET /api/v1/admin/usage`: a tenant's notifications per UTC day and channel by the status they reached, its own only.</summary>
[Collection("service")]
public class UsageTests(ServiceFixture service)
{
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");

    private static long Count(JsonNode report, string channel, string status) =>
        report["days"]!.AsArray().Where(d => d!["day"]!.GetValue<string>() == Today && d["channel"]!.GetValue<string>() == channel)
            .Select(d => d!["counts"]![status]?.GetValue<long>() ?? 0).SingleOrDefault();

    [Fact]
    public async Task Counts_what_each_tenant_sent_today_per_channel_and_status_and_nothing_of_another_tenant()
    {
        var a = await service.NewTenantAsync();
        var b = await service.NewTenantAsync();
        var sent = new List<Guid>
        {
            await a.Http.SendOkAsync(Api.Email()), await a.Http.SendOkAsync(Api.Email("bob@example.com")),
            await a.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } }),
        };
        foreach (var id in sent) await service.Ledger.WaitForAsync(id, "sent");
        await service.Ledger.WaitForAsync(await b.Http.SendOkAsync(Api.Email()), "sent");

        // Every change above has committed (the ledger said so) and its observers ran: flush now instead of polling.
        await service.Factory.Services.GetRequiredService<UsageFlusher>().FlushAsync(default);
        var mine = await (await a.Http.GetAsync("/api/v1/admin/usage")).JsonAsync();
        Assert.Equal(2, Count(mine, "email", "sent"));
        Assert.Equal(1, Count(mine, "sms", "sent"));
        Assert.Equal(2, Count(mine, "email", "accepted"));
        Assert.Equal(1, Count(mine, "sms", "accepted"));
        Assert.Equal(0, Count(mine, "email", "failed"));
        Assert.Equal(DateTime.UtcNow.AddDays(-29).ToString("yyyy-MM-dd"), mine["from"]!.GetValue<string>());

        var theirs = await (await b.Http.GetAsync($"/api/v1/admin/usage?from={Today}&to={Today}")).JsonAsync();
        Assert.Equal(1, Count(theirs, "email", "sent"));
        Assert.Equal(1, Count(theirs, "email", "accepted"));
        Assert.Equal(0, Count(theirs, "sms", "accepted"));
        Assert.Single(theirs["days"]!.AsArray());

        var smsOnly = await (await a.Http.GetAsync("/api/v1/admin/usage?channel=sms")).JsonAsync();
        Assert.All(smsOnly["days"]!.AsArray(), d => Assert.Equal("sms", d!["channel"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("to=yesterday", "to")]
    [InlineData("from=2026-02-01&to=2026-01-01", "from")]
    [InlineData("from=2024-01-01&to=2026-01-01", "from")]
    [InlineData("channel=fax", "channel")]
    public async Task Bad_query_parameters_are_a_400_naming_the_parameter(string query, string field)
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.GetAsync($"/api/v1/admin/usage?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
    }

    [Theory]
    [InlineData("to=0001-01-01", "to")]
    [InlineData("from=0001-01-01&to=0001-01-02", "to")]
    [InlineData("from=0001-01-01", "from")]
    public async Task A_date_before_1970_is_a_400_naming_the_parameter_and_the_range_it_takes(string query, string field)
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.GetAsync($"/api/v1/admin/usage?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("A date from 1970-01-01 to 9999-12-31.", (await response.JsonAsync())["errors"]![field]![0]!.GetValue<string>());
    }
}
