using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.People.Preferences;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Preferences;

/// <summary>
/// The hosted preferences page (no script) offers each category's digest cadence: a cadence, a day and a local time, the
/// day counting for weekly only and the time for daily and weekly; what is chosen is what the API then shows, and a
/// daily cadence without its time is a 400 page that writes nothing.
/// </summary>
[Collection("preferences")]
public class DigestCadencePageTests(PreferencesFixture service)
{
    [Fact]
    public async Task The_hosted_page_saves_a_categorys_digest_cadence_and_refuses_one_without_its_time()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "comments", name = "Comments" });
        await tenant.Http.CreateCategoryAsync(new { key = "news", name = "News" });
        var url = service.Factory.Services.GetRequiredService<PreferenceLinks>().PreferencesUrl(tenant.Id, "u:ada")!;
        var browser = service.Anonymous();
        var path = new Uri(url).PathAndQuery;

        var page = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();
        Assert.Contains("name=\"digest:comments\"", page);
        Assert.Contains("name=\"digestAt:news\"", page);
        Assert.DoesNotContain("<script", page);

        FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
        var saved = await browser.PostAsync(path, Form(("comments/email", "on"), ("digest:comments", "weekly"), ("digestDay:comments", "fri"),
            ("digestAt:comments", "17:30"), ("digest:news", "hourly"), ("digestDay:news", "mon"), ("digestAt:news", "09:00")));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("selected>Weekly", await saved.Content.ReadAsStringAsync());
        var digests = (await (await tenant.Http.GetAsync(PreferencesApi.Of("ada"))).JsonAsync())["digests"]!;
        Assert.Equal("""{"cadence":"weekly","at":"17:30","day":"fri"}""", digests["comments"]!.ToJsonString());
        Assert.Equal("""{"cadence":"hourly"}""", digests["news"]!.ToJsonString());   // its day and time do not count

        var refused = await browser.PostAsync(path, Form(("digest:comments", "daily"), ("digestAt:comments", "")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("HH:mm", await refused.Content.ReadAsStringAsync());
        Assert.Equal("weekly", (await (await tenant.Http.GetAsync(PreferencesApi.Of("ada"))).JsonAsync())["digests"]!["comments"]!["cadence"]!.GetValue<string>());
    }
}
