using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>A member's sessions: idle and absolute ends, and the member's own list where any of them can be ended.</summary>
[Collection("service")]
public class MemberSessionTests(ServiceFixture service)
{
    [Fact]
    public async Task A_session_unused_longer_than_the_idle_timeout_is_over()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var (member, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "viewer");
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", session))).StatusCode);

        await service.ScalarAsync<object>("update console_sessions set last_seen_at = now() - interval '31 minutes' where tenant_id = $1 and member_id = $2",
            tenant.Id, member.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", session))).StatusCode);
    }

    [Fact]
    public async Task A_session_past_its_absolute_end_is_over_however_recently_it_was_used()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var (member, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "viewer");
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        await service.ScalarAsync<object>("update console_sessions set expires_at = now() - interval '1 second' where tenant_id = $1 and member_id = $2",
            tenant.Id, member.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", session))).StatusCode);
    }

    [Fact]
    public async Task A_member_lists_their_own_sessions_and_ends_another_one()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var (member, laptop) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "operator");
        var phone = await service.Factory.Services.GetRequiredService<NotificationService.Features.Administration.Console.Session.MemberSessions>()
            .StartSessionAsync(new Microsoft.AspNetCore.Http.DefaultHttpContext(), tenant.Id, member.Id, "password", default);
        var (_, someoneElse) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "operator");
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var (token, antiforgery) = await TeamMembers.AntiforgeryAsync(browser, "/admin/account", laptop);
        var page = await (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin/account", laptop))).Content.ReadAsStringAsync();
        var phoneId = NotificationService.Features.Administration.Console.Session.ConsoleSessionStore.PublicIdOf(phone)!;
        var laptopId = NotificationService.Features.Administration.Console.Session.ConsoleSessionStore.PublicIdOf(laptop)!;
        Assert.Contains(phoneId, page);
        Assert.Contains($"{laptopId}</code> (this one)", page);
        Assert.DoesNotContain(NotificationService.Features.Administration.Console.Session.ConsoleSessionStore.PublicIdOf(someoneElse)!, page);

        var end = await browser.SendAsync(TeamMembers.Request(HttpMethod.Post, "/admin/account?handler=Revoke", laptop, antiforgery,
            new FormUrlEncodedContent([KeyValuePair.Create("__csrf", token), KeyValuePair.Create("id", phoneId)])));
        Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", phone))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", laptop))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", someoneElse))).StatusCode);
    }
}
