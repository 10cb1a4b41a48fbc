using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Recipients;

/// <summary>
/// Recipient profiles over HTTP: PUT creates (201) or replaces (200), PATCH merges by RFC 7396, an invalid field is a
/// 400 naming it with nothing written, the same userId in two tenants is two people, scopes, and the keyset search.
/// </summary>
[Collection("service")]
public class ProfileApiTests(ServiceFixture service)
{
    [Fact]
    public async Task Put_creates_then_replaces_and_get_reads_the_profile_with_its_times()
    {
        var tenant = await service.NewTenantAsync(null);
        var created = await tenant.Http.PutProfileAsync("ada", new
        {
            email = "Ada@Example.COM", phone = "+14155550100", name = "Ada Lovelace", locale = "en-GB", timezone = "Europe/London",
            avatarUrl = "https://cdn.example.com/ada.png", data = new { plan = "pro", tags = new[] { "vip" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/services/users/ada", created.Headers.Location!.OriginalString);
        var profile = (await tenant.Http.ProfileAsync("ada"))!;
        Assert.Equal("ada@example.com", profile.Text("email"));   // stored normalized: search by email is exact and case-insensitive
        Assert.Equal(("+14155550100", "Ada Lovelace", "en-GB", "Europe/London"), (profile.Text("phone"), profile.Text("name"), profile.Text("locale"), profile.Text("timezone")));
        Assert.Equal("pro", profile["data"]!["plan"]!.GetValue<string>());
        var createdAt = profile["createdAt"]!.GetValue<DateTimeOffset>();

        var replaced = await tenant.Http.PutProfileAsync("ada", new { name = "Ada King" });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        profile = (await tenant.Http.ProfileAsync("ada"))!;
        Assert.Equal("Ada King", profile.Text("name"));
        Assert.Null(profile["email"]);   // PUT replaces: what it leaves out is gone
        Assert.Null(profile["data"]);
        Assert.Equal(createdAt, profile["createdAt"]!.GetValue<DateTimeOffset>());
        Assert.True(profile["updatedAt"]!.GetValue<DateTimeOffset>() >= createdAt);
        Assert.Null(await tenant.Http.ProfileAsync("nobody"));
    }

    [Fact]
    public async Task Patch_merges_by_RFC_7396_null_removes_objects_merge_arrays_replace_and_it_creates_a_missing_profile()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.IdentifyAsync("bo", new
        {
            email = "bo@example.com", name = "Bo", locale = "fr",
            data = new { plan = "free", address = new { city = "Paris", zip = "75001" }, tags = new[] { "a", "b" } },
        });

        var patched = await tenant.Http.MergePatchAsync(RecipientsApi.Of("bo"), """
            {"name":null,"locale":"fr-CA","data":{"plan":"pro","address":{"zip":null,"country":"FR"},"tags":["c"]}}
            """);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var profile = (await tenant.Http.ProfileAsync("bo"))!;
        Assert.Equal("bo@example.com", profile.Text("email"));   // not named: kept
        Assert.Null(profile["name"]);                           // null: removed
        Assert.Equal("fr-CA", profile.Text("locale"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"plan":"pro","address":{"city":"Paris","country":"FR"},"tags":["c"]}"""), profile["data"]),
            profile["data"]!.ToJsonString());

        var created = await tenant.Http.MergePatchAsync(RecipientsApi.Of("new-user"), new { name = "New" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("New", (await tenant.Http.ProfileAsync("new-user")).Text("name"));

        var asJson = await tenant.Http.MergePatchAsync(RecipientsApi.Of("bo"), new { name = "X" }, "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, asJson.StatusCode);
        Assert.Null((await tenant.Http.ProfileAsync("bo"))!["name"]);
    }

    [Fact]
    public async Task Invalid_fields_are_one_400_naming_each_of_them_and_nothing_is_written()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.IdentifyAsync("cy", new { email = "cy@example.com", name = "Cy" });

        var bad = await tenant.Http.PutProfileAsync("cy", new
        {
            email = "not-an-email", phone = "0044 20 7946", name = "Cy 2", locale = "english please", timezone = "Mars/Olympus",
            avatarUrl = "http://cdn.example.com/cy.png", data = new { blob = new string('x', 17 * 1024) }, nickname = "c",
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = (await bad.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(["avatarUrl", "data", "email", "locale", "nickname", "phone", "timezone"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.Contains("Mars/Olympus", problem["errors"]!["timezone"]![0]!.GetValue<string>());
        Assert.Equal("Cy", (await tenant.Http.ProfileAsync("cy")).Text("name"));   // nothing written, not even the good field

        // A merge is checked whole: data that grows past 16 KB in the merge is refused, the stored data stays.
        await tenant.Http.MergePatchAsync(RecipientsApi.Of("cy"), new { data = new { a = new string('a', 9 * 1024) } });
        var grown = await tenant.Http.MergePatchAsync(RecipientsApi.Of("cy"), new { data = new { b = new string('b', 9 * 1024) } });
        Assert.Equal(HttpStatusCode.BadRequest, grown.StatusCode);
        Assert.Equal(["data"], await grown.ErrorFieldsAsync());
        Assert.Null((await tenant.Http.ProfileAsync("cy"))!["data"]!["b"]);

        var path = await tenant.Http.PutProfileAsync(new string('u', 257), new { name = "x" });
        Assert.Equal(["userId"], await path.ErrorFieldsAsync());
        var otherId = await tenant.Http.PutProfileAsync("cy", new { userId = "someone-else" });
        Assert.Equal(["userId"], await otherId.ErrorFieldsAsync());
    }

    [Fact]
    public async Task The_same_userId_in_two_tenants_is_two_profiles()
    {
        var first = await service.NewTenantAsync(null);
        var second = await service.NewTenantAsync(null);
        await first.Http.IdentifyAsync("shared", new { email = "one@example.com" });
        Assert.Null(await second.Http.ProfileAsync("shared"));
        Assert.Equal(HttpStatusCode.Created, (await second.Http.PutProfileAsync("shared", new { email = "two@example.com" })).StatusCode);

        Assert.Equal("one@example.com", (await first.Http.ProfileAsync("shared")).Text("email"));
        Assert.Equal("two@example.com", (await second.Http.ProfileAsync("shared")).Text("email"));
        var found = (await second.Http.GetFromJsonAsync<JsonNode>(RecipientsApi.Users + "?email=one@example.com"))!;
        Assert.Empty(found["items"]!.AsArray());
    }

    [Fact]
    public async Task Writing_needs_users_write_reading_needs_users_read_and_admin_does_both()
    {
        var tenant = await service.NewTenantAsync(null);
        var writer = await service.KeyWithAsync(tenant.Id, Scopes.UsersWrite);
        var reader = await service.KeyWithAsync(tenant.Id, Scopes.UsersRead);
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);

        Assert.Equal(HttpStatusCode.Created, (await writer.PutProfileAsync("dee", new { name = "Dee" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.GetAsync(RecipientsApi.Of("dee"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(RecipientsApi.Of("dee"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PutProfileAsync("dee", new { name = "Mallory" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostJsonAsync(RecipientsApi.Users + "/bulk", new { users = new[] { new { userId = "dee" } } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync(RecipientsApi.Users)).StatusCode);
        Assert.Equal("Dee", (await tenant.Http.ProfileAsync("dee")).Text("name"));   // the default key is admin
    }

    [Fact]
    public async Task The_list_pages_by_userId_and_finds_by_exact_email_any_case_by_phone_or_by_userId_prefix()
    {
        var tenant = await service.NewTenantAsync(null);
        foreach (var i in Enumerable.Range(0, 5)) await tenant.Http.IdentifyAsync($"team-{i}", new { email = $"member{i}@example.com" });
        await tenant.Http.IdentifyAsync("teamster", new { phone = "+442079460000" });
        await tenant.Http.IdentifyAsync("other", new { email = "Other@Example.com" });

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await tenant.Http.GetFromJsonAsync<JsonNode>(RecipientsApi.Users + "?limit=2" + (cursor is null ? "" : "&cursor=" + cursor)))!;
            seen.AddRange(page["items"]!.AsArray().Select(p => p!["userId"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        Assert.Equal(["other", "team-0", "team-1", "team-2", "team-3", "team-4", "teamster"], seen);

        async Task<string[]> Find(string query) => (await tenant.Http.GetFromJsonAsync<JsonNode>(RecipientsApi.Users + "?" + query))!["items"]!.AsArray()
            .Select(p => p!["userId"]!.GetValue<string>()).ToArray();
        Assert.Equal(["other"], await Find("email=OTHER%40example.COM"));
        Assert.Equal(["teamster"], await Find("phone=%2B442079460000"));
        Assert.Equal(["team-0", "team-1", "team-2", "team-3", "team-4"], await Find("userIdPrefix=team-"));
        Assert.Empty(await Find("userIdPrefix=zzz"));

        Assert.Equal(["cursor"], await (await tenant.Http.GetAsync(RecipientsApi.Users + "?cursor=%%%")).ErrorFieldsAsync());
        Assert.Equal(["limit"], await (await tenant.Http.GetAsync(RecipientsApi.Users + "?limit=0")).ErrorFieldsAsync());
    }

    [Fact]
    public async Task A_profile_route_leaves_the_users_preferences_and_token_routes_as_they_were()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.IdentifyAsync("eve", new { name = "Eve" });
        var preferences = await tenant.Http.PutAsJsonAsync(RecipientsApi.Of("eve") + "/preferences", new { channels = new { sms = false } });
        Assert.Equal(HttpStatusCode.OK, preferences.StatusCode);
        Assert.NotEmpty(await tenant.TokenAsync("eve"));
        // A user may be called "bulk": only POST /users/bulk is bulk identify.
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PutProfileAsync("bulk", new { name = "Bulk" })).StatusCode);
        Assert.Equal("Bulk", (await tenant.Http.ProfileAsync("bulk")).Text("name"));
        Assert.Equal("Eve", (await tenant.Http.ProfileAsync("eve")).Text("name"));
    }
}
