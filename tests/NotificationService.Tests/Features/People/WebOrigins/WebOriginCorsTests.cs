using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.People.WebOrigins;

/// <summary>
/// Each tenant lists the exact web origins its pages run on (`/api/v1/admin/web-origins`); `/users/me/*` answers CORS
/// for those only. A preflight (no token, so no tenant) is answered for an origin some tenant lists and refused
/// otherwise; an authenticated request from an origin its own tenant does not list is a 403 that does nothing; a 401
/// still carries CORS headers so the page can fetch a new token. Same-origin and origin-less requests are unaffected.
/// </summary>
[Collection("service")]
public class WebOriginCorsTests(ServiceFixture service)
{
    private const string Origins = "/api/v1/admin/web-origins";

    private static HttpRequestMessage Request(HttpMethod method, string url, string origin, string? token = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Origin", origin);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static string? AllowOrigin(HttpResponseMessage r) => r.Headers.TryGetValues("Access-Control-Allow-Origin", out var v) ? v.Single() : null;

    [Fact]
    public async Task Origins_are_stored_as_browsers_send_them_and_wildcards_paths_and_null_are_refused()
    {
        var tenant = await service.NewTenantAsync(null);
        var put = await tenant.Http.PutJsonAsync(Origins, new { origins = new[] { "HTTPS://App.Example.com:443/", "http://localhost:3000", "https://app.example.com" } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("""{"origins":["https://app.example.com","http://localhost:3000"]}""", await put.Content.ReadAsStringAsync());
        Assert.Equal("""{"origins":["http://localhost:3000","https://app.example.com"]}""", (await tenant.Http.GetJsonAsync(Origins)).ToJsonString());

        var bad = await ExpectAsync(await tenant.Http.PutJsonAsync(Origins,
            new { origins = new[] { "https://*.example.com", "https://app.example.com/path", "null", "ftp://x.example", "https://ok.example" } }), 400);
        Assert.Equal(["origins[0]", "origins[1]", "origins[2]", "origins[3]"], bad.ErrorKeys());
        Assert.Equal(2, (await tenant.Http.GetJsonAsync(Origins))["origins"]!.AsArray().Count);   // unchanged
    }

    [Fact]
    public async Task Preflights_actual_requests_and_refusals_follow_the_tokens_tenant()
    {
        var mine = await service.NewTenantAsync(null);
        var other = await service.NewTenantAsync(null);
        var myOrigin = $"https://app-{mine.Id:N}.example";
        var theirOrigin = $"https://app-{other.Id:N}.example";
        await mine.Http.PutJsonAsync(Origins, new { origins = new[] { myOrigin } });
        await other.Http.PutJsonAsync(Origins, new { origins = new[] { theirOrigin } });
        var http = service.Factory.CreateClient();
        var token = await mine.TokenAsync("ada");

        // Today's 405 without CORS headers is now a 204 preflight for a listed origin...
        var preflight = Request(HttpMethod.Options, $"{EndUsers.Inbox}/mark-all-read", myOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
        var answer = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(myOrigin, AllowOrigin(answer));
        Assert.Contains("Authorization", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Credentials"));
        // ...and a 403 without them for an origin no tenant lists.
        var stranger = Request(HttpMethod.Options, $"{EndUsers.Inbox}/mark-all-read", "https://evil.example");
        stranger.Headers.Add("Access-Control-Request-Method", "POST");
        var refused = await http.SendAsync(stranger);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Null(AllowOrigin(refused));

        var ok = await http.SendAsync(Request(HttpMethod.Get, $"{EndUsers.Inbox}/unread-count", myOrigin, token));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(myOrigin, AllowOrigin(ok));
        Assert.Contains("Origin", ok.Headers.Vary);

        // The other tenant's origin passes a preflight (some tenant lists it) but not this tenant's token.
        await service.SendInAppAsync(mine, "ada", "Unread");
        var foreign = Request(HttpMethod.Post, $"{EndUsers.Inbox}/mark-all-read", theirOrigin, token);
        foreign.Content = JsonContent.Create(new { });
        var forbidden = await http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Null(AllowOrigin(forbidden));
        Assert.Equal(["Origin"], (await forbidden.JsonAsync()).ErrorKeys());
        Assert.Equal(1, (await service.BearerClient(token).CountsAsync()).Unread);   // nothing was done

        var ticket = Request(HttpMethod.Post, $"{EndUsers.Me}/stream-ticket", myOrigin, token);
        Assert.Equal(myOrigin, AllowOrigin(await http.SendAsync(ticket)));

        // A refused token from a listed origin: the page can read its 401 and ask for a new token.
        var expired = await http.SendAsync(Request(HttpMethod.Get, $"{EndUsers.Inbox}/unread-count", myOrigin, "not-a-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(myOrigin, AllowOrigin(expired));
        Assert.Contains("WWW-Authenticate", expired.Headers.GetValues("Access-Control-Expose-Headers").Single());

        // No Origin (a server) and the service's own origin: as before.
        Assert.Equal(HttpStatusCode.OK, (await service.BearerClient(token).GetAsync($"{EndUsers.Inbox}/unread-count")).StatusCode);
        var same = await http.SendAsync(Request(HttpMethod.Get, $"{EndUsers.Inbox}/unread-count", http.BaseAddress!.GetLeftPart(UriPartial.Authority), token));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Null(AllowOrigin(same));
    }
}
