using System.Net;
using System.Text.RegularExpressions;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The console's "New template" form holds link parts to the API's rule (LinkRules): a `javascript:` actionUrl is a
/// form error beside that part and nothing is saved; an https one is created.</summary>
[Collection("console")]
public class ConsoleTemplateLinkTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_javascript_action_url_is_a_form_error_beside_the_part_and_nothing_is_saved()
    {
        var tenant = await console.NewTenantAsync();
        using var http = new ConsoleHttp(console.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await http.SignInAsync(console, tenant)).StatusCode);

        async Task<HttpResponseMessage> CreateAsync(string key, string actionUrl) => await http.PostFormAsync("/admin/templates/new",
            await http.TokenAsync("/admin/templates/new?channel=in_app"),
            [("key", key), ("channel", "in_app"), ("locale", "en"), ("parts[title]", "Hi"), ("parts[body]", "Body"), ("parts[actionUrl]", actionUrl)]);

        using var refused = await CreateAsync("evil-link", "javascript:alert(1)");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);   // the form again, with the error
        var html = await refused.Content.ReadAsStringAsync();
        var beside = Regex.Match(html, """<div id="err-actionUrl"[^>]*>(.*?)</div>""", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("&#x27;javascript:&#x27; is refused", beside);
        Assert.Equal(0L, await console.ScalarAsync<long>("select count(*) from templates where tenant_id = $1", tenant.Id));

        using var created = await CreateAsync("good-link", "https://app.example/orders/{{id}}");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(1L, await console.ScalarAsync<long>("select count(*) from templates where tenant_id = $1", tenant.Id));
    }
}
