using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.People.Preferences;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Preferences;

/// <summary>
/// RFC 8058: a commercial email reaches SendGrid with List-Unsubscribe and List-Unsubscribe-Post headers; a POST of
/// `List-Unsubscribe=One-Click` to the link opts the user out with no login and no redirect, a GET changes nothing, a
/// tampered link is a 404; the template's {{preferencesUrl}} opens a form that saves categories × channels.
/// </summary>
[Collection("preferences")]
public class UnsubscribeTests(PreferencesFixture service)
{
    private static string PathOf(string url) => new Uri(url).PathAndQuery;

    /// <summary>A tenant sending email through a loopback SendGrid; returns the provider's request log.</summary>
    private async Task<(TestTenant Tenant, LoopbackServer SendGrid)> TenantWithSendGridAsync()
    {
        var tenant = await service.BareTenantAsync();
        var sendGrid = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(sendGrid.BaseUrl, "SendGrid"));
        await tenant.Http.CreateCategoryAsync(new { key = "marketing", name = "Marketing", commercial = true });
        await tenant.Http.CreateCategoryAsync(new { key = "orders", name = "Order updates" });
        return (tenant, sendGrid);
    }

    [Fact]
    public async Task A_commercial_email_carries_one_click_headers_and_posting_the_link_opts_out_while_a_get_does_not()
    {
        var (tenant, sendGrid) = await TenantWithSendGridAsync();
        await using var _ = sendGrid;
        var first = await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", "marketing"));
        var orders = await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", "orders"));
        await service.Ledger.WaitForAsync(first, "sent");
        await service.Ledger.WaitForAsync(orders, "sent");

        var bodies = sendGrid.Requests.Select(r => JsonNode.Parse(r.Body)!).ToList();
        var commercial = bodies.Single(b => b["personalizations"]![0]!["custom_args"]!["notification_id"]!.GetValue<string>() == first.ToString());
        var unsubscribe = commercial["headers"]!["List-Unsubscribe"]!.GetValue<string>();
        Assert.Equal("List-Unsubscribe=One-Click", commercial["headers"]!["List-Unsubscribe-Post"]!.GetValue<string>());
        Assert.StartsWith($"<{PreferencesFixture.PublicBaseUrl}/u/", unsubscribe);
        var link = unsubscribe.Trim('<', '>');
        // The template got the same link, and a preferences link.
        Assert.Contains(link, commercial["content"]![0]!["value"]!.GetValue<string>());
        Assert.Contains("/preferences", commercial["content"]![0]!["value"]!.GetValue<string>());
        // A non-commercial category carries no one-click headers.
        var plain = bodies.Single(b => b["personalizations"]![0]!["custom_args"]!["notification_id"]!.GetValue<string>() == orders.ToString());
        Assert.Null(plain["headers"]);

        var browser = service.Anonymous();
        var page = await browser.GetAsync(PathOf(link));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\">", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Null(await service.ScalarAsync<string>("select categories::text from user_preferences where tenant_id = $1", tenant.Id)); // GET changed nothing

        var oneClick = await browser.PostAsync(PathOf(link), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);   // no redirect
        Assert.Equal("""{"marketing": {"email": false}}""", await service.ScalarAsync<string>("select categories::text from user_preferences where tenant_id = $1 and user_key = 'u:ada'", tenant.Id));

        var next = await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", "marketing"));
        Assert.Equal("preference:marketing/email", (await service.Ledger.WaitForAsync(next, "suppressed")).Detail);
    }

    [Fact]
    public async Task One_click_takes_multipart_too_and_a_tampered_or_wrong_kind_of_link_is_a_404()
    {
        var (tenant, sendGrid) = await TenantWithSendGridAsync();
        await using var _ = sendGrid;
        var id = await tenant.Http.SendOkAsync(PreferencesApi.Email("bo", "marketing", "bo@example.com"));
        await service.Ledger.WaitForAsync(id, "sent");
        var link = JsonNode.Parse(sendGrid.Requests.Single().Body)!["headers"]!["List-Unsubscribe"]!.GetValue<string>().Trim('<', '>');
        var path = PathOf(link);
        var browser = service.Anonymous();

        var tampered = path[..^3] + (path[^3] == 'A' ? "B" : "A") + path[^2..];
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(tampered)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync(tampered, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/u/not-a-token")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(path + "/preferences")).StatusCode);   // an unsubscribe link opens no preferences page
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "Later")]))).StatusCode);
        Assert.Null(await service.ScalarAsync<string>("select categories::text from user_preferences where tenant_id = $1", tenant.Id));

        using var multipart = new MultipartFormDataContent { { new StringContent("One-Click"), "List-Unsubscribe" } };
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync(path, multipart)).StatusCode);
        Assert.Equal("""{"marketing": {"email": false}}""", await service.ScalarAsync<string>("select categories::text from user_preferences where tenant_id = $1 and user_key = 'u:bo'", tenant.Id));
    }

    [Fact]
    public async Task The_hosted_preferences_page_shows_categories_by_channel_and_saves_what_is_ticked()
    {
        var (tenant, sendGrid) = await TenantWithSendGridAsync();
        await using var _ = sendGrid;
        var id = await tenant.Http.SendOkAsync(PreferencesApi.Email("cy", "orders", "cy@example.com"));
        await service.Ledger.WaitForAsync(id, "sent");
        var text = JsonNode.Parse(sendGrid.Requests.Single().Body)!["content"]![0]!["value"]!.GetValue<string>();
        var preferencesUrl = text[(text.IndexOf("Preferences: ", StringComparison.Ordinal) + "Preferences: ".Length)..].Trim();
        var browser = service.Anonymous();

        var page = await (await browser.GetAsync(PathOf(preferencesUrl))).Content.ReadAsStringAsync();
        Assert.Contains("name=\"marketing/email\"", page);
        Assert.Contains("name=\"orders/sms\"", page);
        Assert.DoesNotContain("<script", page);

        // Everything ticked but marketing by email.
        var ticked = new[] { "marketing", "orders" }.SelectMany(c => new[] { "email", "sms", "push", "whatsapp", "in_app" }.Select(ch => $"{c}/{ch}"))
            .Where(box => box != "marketing/email").Select(box => new KeyValuePair<string, string>(box, "on"));
        var saved = await browser.PostAsync(PathOf(preferencesUrl), new FormUrlEncodedContent(ticked));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Saved.", await saved.Content.ReadAsStringAsync());

        var view = await (await tenant.Http.GetAsync(PreferencesApi.Of("cy"))).JsonAsync();
        Assert.False(view["effective"]!["marketing"]!["email"]!.GetValue<bool>());
        Assert.True(view["effective"]!["orders"]!["email"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_browser_whose_link_is_refused_gets_an_html_page_with_the_status_never_a_500()
    {
        var tenant = await service.BareTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "marketing", name = "Marketing", commercial = true });
        var links = service.Factory.Services.GetRequiredService<PreferenceLinks>();
        var path = PathOf(links.UnsubscribeUrl(tenant.Id, "u:ada", "marketing", "email")!);
        var browser = service.Anonymous();

        async Task<string> PageAsync(HttpStatusCode status, HttpMethod method, string url, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(method, url) { Content = content };
            request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml");   // a browser's, no JSON in it
            using var response = await browser.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{method} {url}: {(int)response.StatusCode} {html}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.DoesNotContain("<script", html);
            return html;
        }

        var tampered = path[..^3] + (path[^3] == 'A' ? "B" : "A") + path[^2..];
        Assert.Contains("Link not valid", await PageAsync(HttpStatusCode.NotFound, HttpMethod.Get, tampered));
        Assert.Contains("Link not valid", await PageAsync(HttpStatusCode.NotFound, HttpMethod.Get, path + "/preferences"));
        Assert.Contains("List-Unsubscribe=One-Click", await PageAsync(HttpStatusCode.BadRequest, HttpMethod.Post, path,
            new FormUrlEncodedContent([new("List-Unsubscribe", "Later")])));
        Assert.Contains("form", await PageAsync(HttpStatusCode.UnsupportedMediaType, HttpMethod.Post, path, new StringContent("One-Click")));
        Assert.Contains("Unsubscribe", await PageAsync(HttpStatusCode.OK, HttpMethod.Get, path));
        Assert.Null(await service.ScalarAsync<string>("select categories::text from user_preferences where tenant_id = $1", tenant.Id));
    }
}
