using System.Net;
using System.Net.Http.Json;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Preferences;

/// <summary>
/// `/api/v1/admin/categories` and `/api/v1/services/users/{userId}/preferences`: CRUD, the problem naming each bad
/// field, another tenant's category a 404, and the scopes each route needs.
/// </summary>
[Collection("preferences")]
public class CategoryAndPreferenceApiTests(PreferencesFixture service)
{
    [Fact]
    public async Task Categories_are_created_read_replaced_and_deleted_and_another_tenants_is_a_404()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "marketing", name = "Marketing", commercial = true, channels = new { sms = false } });

        var got = await (await tenant.Http.GetAsync($"{PreferencesApi.Categories}/marketing")).JsonAsync();
        Assert.Equal("Marketing", got["name"]!.GetValue<string>());
        Assert.True(got["commercial"]!.GetValue<bool>());
        Assert.False(got["channels"]!["sms"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostJsonAsync(PreferencesApi.Categories, new { key = "marketing", name = "Again" })).StatusCode);

        var replaced = await tenant.Http.PutAsJsonAsync($"{PreferencesApi.Categories}/marketing", new { name = "Offers", isDefault = true });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.True((await replaced.JsonAsync())["isDefault"]!.GetValue<bool>());

        var other = await service.NewTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"{PreferencesApi.Categories}/marketing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"{PreferencesApi.Categories}/marketing")).StatusCode);
        Assert.Empty((await (await other.Http.GetAsync(PreferencesApi.Categories)).JsonAsync()).AsArray());

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"{PreferencesApi.Categories}/marketing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"{PreferencesApi.Categories}/marketing")).StatusCode);
    }

    [Theory]
    [InlineData("""{"key":"Bad Key","name":"x"}""", "key")]
    [InlineData("""{"key":"ok","name":""}""", "name")]
    [InlineData("""{"key":"ok","name":"x","channels":{"fax":true}}""", "channels.fax")]
    [InlineData("""{"key":"ok","name":"x","quietHours":"later"}""", "quietHours")]
    [InlineData("""{"key":"ok","name":"x","required":true,"commercial":true}""", "commercial")]
    [InlineData("""{"key":"ok","name":"x","colour":"red"}""", "colour")]
    public async Task A_bad_category_is_a_400_naming_the_field(string body, string field)
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(PreferencesApi.Categories, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ProblemFieldsAsync());
    }

    [Fact]
    public async Task Preferences_are_put_patched_and_read_with_what_applies_per_category()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "marketing", name = "Marketing", channels = new { sms = false } });
        await tenant.Http.CreateCategoryAsync(new { key = "security", name = "Security", required = true });

        await tenant.Http.PutPreferencesAsync("user-1", new
        {
            channels = new { push = false },
            categories = new { marketing = new { email = false } },
            quietHours = new { timeZone = "Europe/Paris", windows = new[] { new { days = new[] { "mon", "tue" }, start = "22:00", end = "07:00" } } },
        });
        var patched = await tenant.Http.PatchAsJsonAsync(PreferencesApi.Of("user-1"), new { categories = new { marketing = new { sms = true } } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var view = await (await tenant.Http.GetAsync(PreferencesApi.Of("user-1"))).JsonAsync();
        Assert.False(view["categories"]!["marketing"]!["email"]!.GetValue<bool>());      // kept by the PATCH
        Assert.True(view["categories"]!["marketing"]!["sms"]!.GetValue<bool>());         // the user's choice over the tenant's default
        Assert.Equal("Europe/Paris", view["quietHours"]!["timeZone"]!.GetValue<string>()); // a PATCH without quietHours keeps them
        var effective = view["effective"]!;
        Assert.False(effective["marketing"]!["email"]!.GetValue<bool>());
        Assert.True(effective["marketing"]!["sms"]!.GetValue<bool>());
        Assert.False(effective["marketing"]!["push"]!.GetValue<bool>());                 // the channel switch
        Assert.True(effective["security"]!["push"]!.GetValue<bool>());                   // required ignores it

        // The same userId in another tenant is another person.
        var other = await service.NewTenantAsync();
        Assert.Empty((await (await other.Http.GetAsync(PreferencesApi.Of("user-1"))).JsonAsync())["categories"]!.AsObject());
    }

    [Theory]
    [InlineData("""{"categories":{"nope":{"email":false}}}""", 422, "categories.nope")]
    [InlineData("""{"categories":{"security":{"email":false}}}""", 422, "categories.security.email")]
    [InlineData("""{"channels":{"fax":false}}""", 400, "channels.fax")]
    [InlineData("""{"quietHours":{"timeZone":"Mars/Olympus","windows":[]}}""", 400, "quietHours.timeZone")]
    [InlineData("""{"quietHours":{"timeZone":"UTC","windows":[{"days":["someday"],"start":"25:00","end":"07:00"}]}}""", 400, "quietHours.windows[0].days")]
    [InlineData("""{"quietHours":{"timeZone":"UTC","windows":[{"days":["mon"],"start":"25:00","end":"07:00"}]}}""", 400, "quietHours.windows[0].start")]
    [InlineData("""{"quietHours":{"timeZone":"UTC","windows":[],"behaviour":{"security":"later"}}}""", 400, "quietHours.behaviour.security")]
    public async Task Bad_preferences_name_the_field(string body, int status, string field)
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "security", name = "Security", required = true });
        var response = await tenant.Http.PutAsync(PreferencesApi.Of("user-1"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(field, await response.ProblemFieldsAsync());
    }

    [Fact]
    public async Task Preferences_need_the_users_preferences_scope_and_categories_need_admin()
    {
        var tenant = await service.NewTenantAsync();
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);
        var backend = await service.KeyWithAsync(tenant.Id, Scopes.Preferences);

        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync(PreferencesApi.Of("user-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await backend.GetAsync(PreferencesApi.Of("user-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await backend.GetAsync(PreferencesApi.Categories)).StatusCode);
    }
}
