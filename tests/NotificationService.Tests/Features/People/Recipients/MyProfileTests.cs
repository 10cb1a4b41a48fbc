using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Recipients;

/// <summary>
/// `/api/v1/users/me/profile`: the signed-in user reads their profile and changes their name, locale and timezone; email
/// and phone (and avatarUrl, data) are the tenant's backend's: naming one is a 403 naming it, and nothing is written.
/// </summary>
[Collection("service")]
public class MyProfileTests(ServiceFixture service)
{
    [Fact]
    public async Task A_user_changes_their_name_locale_and_timezone_and_the_backend_sees_it()
    {
        var tenant = await service.NewTenantAsync(null);
        var me = await service.UserClientAsync(tenant, "lea");
        Assert.Equal(HttpStatusCode.NotFound, (await me.GetAsync(RecipientsApi.MyProfile)).StatusCode);

        await tenant.Http.IdentifyAsync("lea", new { email = "lea@example.com", name = "Lea" });
        var patched = await me.MergePatchAsync(RecipientsApi.MyProfile, new { name = "Léa Martin", locale = "fr-FR", timezone = "Europe/Paris" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var mine = (await me.GetFromJsonAsync<JsonNode>(RecipientsApi.MyProfile))!;
        Assert.Equal(("Léa Martin", "fr-FR", "Europe/Paris", "lea@example.com"), (mine.Text("name"), mine.Text("locale"), mine.Text("timezone"), mine.Text("email")));
        Assert.Equal("Europe/Paris", (await tenant.Http.ProfileAsync("lea")).Text("timezone"));

        await me.MergePatchAsync(RecipientsApi.MyProfile, new { locale = (string?)null });
        Assert.Null((await tenant.Http.ProfileAsync("lea"))!["locale"]);
    }

    [Fact]
    public async Task Email_and_phone_are_the_backends_and_a_bad_value_is_named_and_nothing_is_written()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.IdentifyAsync("max", new { email = "max@example.com", name = "Max" });
        var me = await service.UserClientAsync(tenant, "max");

        var email = await me.MergePatchAsync(RecipientsApi.MyProfile, new { name = "Maxi", email = "evil@example.com", phone = "+14155550100" });
        Assert.Equal(HttpStatusCode.Forbidden, email.StatusCode);
        Assert.Equal(["email", "phone"], await email.ErrorFieldsAsync());
        var zone = await me.MergePatchAsync(RecipientsApi.MyProfile, new { name = "Maxi", timezone = "Nowhere/Land" });
        Assert.Equal(HttpStatusCode.BadRequest, zone.StatusCode);
        Assert.Equal(["timezone"], await zone.ErrorFieldsAsync());
        var profile = (await tenant.Http.ProfileAsync("max"))!;
        Assert.Equal(("max@example.com", "Max"), (profile.Text("email"), profile.Text("name")));

        // The user is the token's: an API key does not reach /users/me.
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Http.GetAsync(RecipientsApi.MyProfile)).StatusCode);
    }
}
