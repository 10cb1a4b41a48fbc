using System.Net;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// Console POSTs are checked for their origin as well as their antiforgery token (defence in depth beside SameSite=Strict):
/// a valid token sent from another origin (Origin, or the browser's Sec-Fetch-Site) is a 403 that changes nothing; the
/// console's own origin works, and so does a client that sends neither header (not a browser). Plain HTTP: a real browser
/// could not be made to send a foreign Origin with the console's token, which is the point.
/// </summary>
[Collection("console")]
public class ConsoleOriginTests(ConsoleFixture console)
{
    private string OwnOrigin => console.BaseAddress.GetLeftPart(UriPartial.Authority);

    private async Task<(HttpStatusCode Status, bool Created)> CreateKeyAsync(ConsoleHttp http, TestTenant tenant, string name, params (string, string)[] headers)
    {
        var token = await http.TokenAsync("/admin/api-keys");
        using var response = await http.PostFormAsync("/admin/api-keys?handler=Create", token, [("name", name), ("scopes", "notifications:send")], headers);
        var keys = await tenant.Http.GetStringAsync("/api/v1/admin/api-keys");
        return (response.StatusCode, keys.Contains($"\"{name}\""));
    }

    [Fact]
    public async Task A_post_from_another_origin_is_refused_even_with_a_valid_antiforgery_token()
    {
        var tenant = await console.NewTenantAsync();
        using var http = new ConsoleHttp(console.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await http.SignInAsync(console, tenant)).StatusCode);

        Assert.Equal((HttpStatusCode.Forbidden, false), await CreateKeyAsync(http, tenant, "from-evil", ("Origin", "https://evil.example")));
        Assert.Equal((HttpStatusCode.Forbidden, false), await CreateKeyAsync(http, tenant, "from-null", ("Origin", "null")));
        // Same host, other scheme or port: another origin too.
        var otherPort = new UriBuilder(console.BaseAddress) { Port = console.BaseAddress.Port == 1 ? 2 : 1 }.Uri.GetLeftPart(UriPartial.Authority);
        Assert.Equal((HttpStatusCode.Forbidden, false), await CreateKeyAsync(http, tenant, "from-port", ("Origin", otherPort)));
        // The browser's own verdict wins over an Origin that looks right.
        Assert.Equal((HttpStatusCode.Forbidden, false), await CreateKeyAsync(http, tenant, "cross-site", ("Sec-Fetch-Site", "cross-site"), ("Origin", OwnOrigin)));
        Assert.Equal((HttpStatusCode.Forbidden, false), await CreateKeyAsync(http, tenant, "same-site", ("Sec-Fetch-Site", "same-site")));
    }

    [Fact]
    public async Task The_consoles_own_origin_works_and_so_does_a_client_that_sends_no_origin_at_all()
    {
        var tenant = await console.NewTenantAsync();
        using var http = new ConsoleHttp(console.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await http.SignInAsync(console, tenant, ("Origin", OwnOrigin), ("Sec-Fetch-Site", "same-origin"))).StatusCode);

        Assert.Equal((HttpStatusCode.OK, true), await CreateKeyAsync(http, tenant, "same-origin", ("Origin", OwnOrigin)));
        Assert.Equal((HttpStatusCode.OK, true), await CreateKeyAsync(http, tenant, "fetch-site", ("Sec-Fetch-Site", "same-origin"), ("Origin", OwnOrigin)));
        Assert.Equal((HttpStatusCode.OK, true), await CreateKeyAsync(http, tenant, "no-origin"));   // curl and scripts: the token still applies
    }

    [Fact]
    public async Task A_sign_in_posted_from_another_origin_is_refused_and_opens_no_session()
    {
        var tenant = await console.NewTenantAsync();
        using var http = new ConsoleHttp(console.BaseAddress);
        using var response = await http.SignInAsync(console, tenant, ("Origin", "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0L, await console.ScalarAsync<long>("select count(*) from console_sessions where tenant_id = $1", tenant.Id));
    }
}
