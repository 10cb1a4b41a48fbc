using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.Administration.Members;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>A session ends when it expires, whatever the browser still holds; one an API key opened before key sign-in
/// was retired opens nothing.</summary>
[Collection("console")]
public class ConsoleSessionTests(ConsoleFixture console)
{
    [Fact]
    public async Task An_expired_session_is_not_found_and_a_live_one_is()
    {
        var tenant = await console.NewTenantAsync(sandboxSettingsJson: null);
        var sessions = console.Factory.Services.GetRequiredService<ConsoleSessionStore>();
        var (member, _) = await TeamMembers.SignedInAsync(console.Factory.Services, tenant.Id, MemberRoles.Admin);
        var live = await sessions.CreateForMemberAsync(tenant.Id, member.Id, MemberSessions.Password, TimeSpan.FromMinutes(5), default);
        var expired = await sessions.CreateForMemberAsync(tenant.Id, member.Id, MemberSessions.Password, TimeSpan.FromSeconds(-1), default);

        Assert.NotNull(await sessions.FindAsync(live, default));
        Assert.Null(await sessions.FindAsync(expired, default));
        Assert.Null(await sessions.FindAsync(live[..^1] + (live[^1] == 'A' ? 'B' : 'A'), default));   // one character off
        Assert.Null(await sessions.FindAsync("not-a-token", default));
    }

    [Fact]
    public async Task A_session_an_admin_key_opened_before_key_sign_in_was_retired_opens_nothing()
    {
        var tenant = await console.NewTenantAsync(sandboxSettingsJson: null);
        await using var scope = console.Factory.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<TenantStore>().FindActiveByPrefixAsync(tenant.ApiKey[..12], default);
        // The row the key sign-in wrote: the key's account, prefix and scopes, no member. The key itself is still valid.
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await console.ScalarAsync<int>("""
            insert into console_sessions (tenant_id, token_hash, service_account_id, key_prefix, scopes, is_operator, expires_at)
            values ($1, $2, $3, $4, $5, false, now() + interval '1 hour')
            """, tenant.Id, SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret)), account!.Id, tenant.ApiKey[..12], new[] { "admin" });

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = console.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api-keys");
        request.Headers.Add("Cookie", $"{ConsoleSessionAuthenticationHandler.CookieName}={tenant.Id:N}.{secret}");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);   // a program's request: the problem, not the sign-in page
    }
}
