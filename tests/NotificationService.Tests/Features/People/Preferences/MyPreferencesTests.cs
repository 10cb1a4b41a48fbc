using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Preferences;

/// <summary>
/// An end user reads and changes their own preferences with their token: the tenant and the user come from the token,
/// the worker honours the change, and the same userId in another tenant is another person.
/// </summary>
[Collection("preferences")]
public class MyPreferencesTests(PreferencesFixture service)
{
    private const string Mine = EndUsers.Me + "/preferences";

    [Fact]
    public async Task A_user_opts_out_with_their_own_token_and_the_worker_suppresses_the_next_send()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "news", name = "News", commercial = true });
        var ada = await service.UserClientAsync(tenant, "ada");

        var patch = await ada.PatchAsJsonAsync(Mine, new { categories = new { news = new { email = false } } });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var seenByBackend = (await tenant.Http.GetFromJsonAsync<JsonNode>(PreferencesApi.Of("ada")))!;
        Assert.False(seenByBackend["categories"]!["news"]!["email"]!.GetValue<bool>());

        var id = await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", "news"));
        Assert.Equal("preference:news/email", (await service.Ledger.WaitForAsync(id, "suppressed")).Detail);
    }

    [Fact]
    public async Task The_same_user_id_in_another_tenant_keeps_its_own_preferences()
    {
        var first = await service.NewTenantAsync();
        var second = await service.NewTenantAsync();
        await first.Http.CreateCategoryAsync(new { key = "news", name = "News" });
        await second.Http.CreateCategoryAsync(new { key = "news", name = "News" });

        var inFirst = await service.UserClientAsync(first, "sam");
        Assert.Equal(HttpStatusCode.OK, (await inFirst.PatchAsJsonAsync(Mine, new { channels = new { email = false } })).StatusCode);

        var inSecond = await service.UserClientAsync(second, "sam");
        var theirs = (await inSecond.GetFromJsonAsync<JsonNode>(Mine))!;
        Assert.Null(theirs["channels"]?["email"]);
        var mine = (await inFirst.GetFromJsonAsync<JsonNode>(Mine))!;
        Assert.False(mine["channels"]!["email"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_service_key_does_not_reach_my_preferences()
    {
        var tenant = await service.NewTenantAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Http.GetAsync(Mine)).StatusCode);
    }
}
