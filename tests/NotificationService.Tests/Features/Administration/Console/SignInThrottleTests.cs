using System.Net;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The console's sign-in throttle counts failures per client address (the proxy's X-Forwarded-For, as behind the chart's
/// ingress) AND key prefix tried: five wrong keys from one address lock out that key from that address only, so nobody
/// behind the same proxy, and no other key, is locked out with it.
/// </summary>
[Collection("behind-proxy")]
public class SignInThrottleTests(BehindProxyFixture service)
{
    private ConsoleHttp From(string address) => new(service.BaseAddress) { Headers = { ["X-Forwarded-For"] = address } };

    private static string WrongSecretFor(string key) => key[..13] + new string('A', 43);   // same public prefix, another secret

    [Fact]
    public async Task Wrong_keys_from_one_address_never_lock_out_the_right_key_from_another()
    {
        var tenant = await service.NewTenantAsync(null);
        using var attacker = From("203.0.113.10");
        for (var i = 0; i < SignInThrottle.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.SignInAsync(WrongSecretFor(tenant.ApiKey))).StatusCode);
        // From the guessing address even the right key waits out the window: the throttle tells a guesser nothing.
        using (var refused = await attacker.SignInAsync(tenant.ApiKey))
        {
            Assert.Equal((HttpStatusCode)429, refused.StatusCode);
            Assert.Contains("Too many failed sign-ins", await refused.Content.ReadAsStringAsync());
        }

        using var admin = From("198.51.100.20");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync(tenant.ApiKey)).StatusCode);
    }

    [Fact]
    public async Task Guesses_at_one_key_or_garbage_do_not_lock_out_another_key_from_the_same_address()
    {
        var guessed = await service.NewTenantAsync(null);
        var other = await service.NewTenantAsync(null);
        using var office = From("192.0.2.30");   // one NAT address, two admins
        for (var i = 0; i < SignInThrottle.MaxFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await office.SignInAsync(WrongSecretFor(guessed.ApiKey))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await office.SignInAsync("garbage")).StatusCode);
        }
        Assert.Equal((HttpStatusCode)429, (await office.SignInAsync("garbage")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await office.SignInAsync(other.ApiKey)).StatusCode);
    }
}
