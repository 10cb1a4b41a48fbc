using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The overview shows the month's use of each quota the operator set, and nothing about quotas to a tenant without one.</summary>
[Collection("console")]
public class ConsoleQuotaTests(ConsoleFixture console)
{
    [Fact]
    public async Task The_overview_shows_each_quotas_use_this_month_against_it()
    {
        var tenant = await console.NewTenantAsync("{}", "email");
        await console.Factory.Services.GetRequiredService<MonthlyQuotas>().SetAsync(tenant.Id, "email", new QuotaSetting(10, QuotaOverage.Hold), 0, default);
        await tenant.Http.SendOkAsync(Api.Email());

        using var http = new ConsoleHttp(console.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await http.SignInAsync(console, tenant)).StatusCode);
        var html = await (await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin"))).Content.ReadAsStringAsync();
        Assert.Matches("""<tr data-channel="email"><td>email</td><td data-used>1</td><td data-quota>10</td>\s*<td>held until the reset \(0 held\)</td>""", html);

        var other = await console.NewTenantAsync("{}", "email");
        using var otherHttp = new ConsoleHttp(console.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await otherHttp.SignInAsync(console, other)).StatusCode);
        Assert.DoesNotContain("id=\"quotas\"", await (await otherHttp.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin"))).Content.ReadAsStringAsync());
    }
}
