using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.People.Preferences;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Preferences;

/// <summary>The hosted preferences page has a chat column like every channel's: a box left unticked opts out of chat.</summary>
[Collection("preferences")]
public class ChatPreferencesPageTests(PreferencesFixture service)
{
    [Fact]
    public async Task The_hosted_page_lists_chat_and_a_box_left_unticked_opts_the_person_out_of_chat_for_that_category()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "deploys", name = "Deploys" });
        var path = new Uri(service.Factory.Services.GetRequiredService<PreferenceLinks>().PreferencesUrl(tenant.Id, "u:ada")!).PathAndQuery;
        var browser = service.Anonymous();

        var page = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();
        Assert.Contains("<th>chat</th>", page);
        Assert.Contains("name=\"deploys/chat\"", page);

        var saved = await browser.PostAsync(path, new FormUrlEncodedContent([new("deploys/email", "on")]));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var effective = (await (await tenant.Http.GetAsync(PreferencesApi.Of("ada"))).JsonAsync())["effective"]!["deploys"]!;
        Assert.False(effective["chat"]!.GetValue<bool>());
        Assert.True(effective["email"]!.GetValue<bool>());
    }
}
