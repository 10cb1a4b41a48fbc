using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>The end user's inbox over HTTP: list with cursor and filters, one item, every change for one id or many, counts.</summary>
[Collection("service")]
public class InboxTests(ServiceFixture service)
{
    [Fact]
    public async Task Items_list_newest_first_in_pages_and_carry_their_fields()
    {
        var tenant = await service.NewTenantAsync(null);
        var sent = new List<Guid>();
        for (var i = 0; i < 5; i++) sent.Add(await service.SendInAppAsync(tenant, "pager", $"n{i}", category: "news"));
        var user = await service.UserClientAsync(tenant, "pager");

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await user.GetFromJsonAsync<JsonNode>($"{EndUsers.Inbox}?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(i => Guid.Parse(i!["id"]!.GetValue<string>())));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        Assert.Equal(Enumerable.Reverse(sent), seen);

        var one = (await user.GetFromJsonAsync<JsonNode>($"{EndUsers.Inbox}/{sent[0]}"))!;
        Assert.Equal("n0", one["title"]!.GetValue<string>());
        Assert.Equal("Body of n0", one["body"]!.GetValue<string>());
        Assert.Equal("news", one["category"]!.GetValue<string>());
        foreach (var field in new[] { "actionUrl", "icon", "data", "seenAt", "readAt", "archivedAt" }) Assert.True(one.AsObject().ContainsKey(field), field);
        Assert.Null(one["readAt"]);
    }

    [Fact]
    public async Task Every_change_moves_the_counts_and_the_filters()
    {
        var tenant = await service.NewTenantAsync(null);
        var a = await service.SendInAppAsync(tenant, "u", "a", category: "billing");
        var b = await service.SendInAppAsync(tenant, "u", "b", category: "news");
        var c = await service.SendInAppAsync(tenant, "u", "c", category: "news");
        var user = await service.UserClientAsync(tenant, "u");
        Assert.Equal((3, 3, 3), await user.CountsAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync($"{EndUsers.Inbox}/{a}/seen", null)).StatusCode);
        Assert.Equal((3, 2, 3), await user.CountsAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync($"{EndUsers.Inbox}/{a}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync($"{EndUsers.Inbox}/{a}/read", null)).StatusCode);   // already: still 204, counted once
        Assert.Equal((2, 2, 3), await user.CountsAsync());
        Assert.Equal([a], await user.ListIdsAsync("?status=read"));
        Assert.Equal([c, b], await user.ListIdsAsync("?status=unread"));
        Assert.Equal([c, b], await user.ListIdsAsync("?category=news"));

        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync($"{EndUsers.Inbox}/{a}/unread", null)).StatusCode);
        Assert.Equal((3, 2, 3), await user.CountsAsync());

        var archived = await user.PostJsonAsync($"{EndUsers.Inbox}/archive", new { ids = new[] { b, c } });
        Assert.Equal(2, (await archived.JsonAsync())["updated"]!.GetValue<int>());
        Assert.Equal((1, 0, 1), await user.CountsAsync());
        Assert.Equal([a], await user.ListIdsAsync());
        Assert.Equal([c, b], await user.ListIdsAsync("?archived=only"));
        Assert.Equal([c, b, a], await user.ListIdsAsync("?archived=include"));
        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync($"{EndUsers.Inbox}/{b}/unarchive", null)).StatusCode);
        Assert.Equal((2, 1, 2), await user.CountsAsync());

        var marked = await user.PostJsonAsync($"{EndUsers.Inbox}/mark-all-read", new { category = "billing" });
        Assert.Equal(1, (await marked.JsonAsync())["updated"]!.GetValue<int>());
        Assert.Equal((1, 1, 2), await user.CountsAsync());
        await user.PostJsonAsync($"{EndUsers.Inbox}/mark-all-read", new { });
        Assert.Equal((0, 0, 2), await user.CountsAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync($"{EndUsers.Inbox}/{a}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync($"{EndUsers.Inbox}/{a}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.DeleteAsync($"{EndUsers.Inbox}/{a}")).StatusCode);
        var deleted = await user.PostJsonAsync($"{EndUsers.Inbox}/delete", new { ids = new[] { b, c } });
        Assert.Equal(2, (await deleted.JsonAsync())["updated"]!.GetValue<int>());
        Assert.Equal((0, 0, 0), await user.CountsAsync());
        Assert.Empty(await user.ListIdsAsync("?archived=include"));
    }

    [Fact]
    public async Task An_item_past_its_expiry_leaves_the_list_and_the_counts()
    {
        var tenant = await service.NewTenantAsync(null);
        var keep = await service.SendInAppAsync(tenant, "exp", "keep");
        var soon = await service.SendInAppAsync(tenant, "exp", "soon", expiresAt: DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        var user = await service.UserClientAsync(tenant, "exp");
        Assert.Equal([soon, keep], await user.ListIdsAsync());   // before it passes: listed
        await service.ExpireNowAsync(soon);

        await Eventually.Async(async () => (await user.ListIdsAsync()).SequenceEqual([keep]), "the expired item to leave the list");
        Assert.Equal((1, 1, 1), await user.CountsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync($"{EndUsers.Inbox}/{soon}")).StatusCode);
    }

    [Fact]
    public async Task An_expiry_that_is_not_a_date_is_a_400_naming_it()
    {
        var tenant = await service.NewTenantAsync(null);
        var response = await tenant.Http.PostJsonAsync(Api.Send, new
        {
            channel = "in_app", recipient = new { userId = "x" }, content = new { subject = "t", body = "b" }, metadata = new { expiresAt = "next tuesday" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]!["metadata.expiresAt"]);
    }

    [Theory]
    [InlineData("?status=new", "status")]
    [InlineData("?archived=maybe", "archived")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?cursor=bm9wZQ", "cursor")]
    public async Task Bad_list_parameters_are_a_400_naming_them(string query, string field)
    {
        var tenant = await service.NewTenantAsync(null);
        var user = await service.UserClientAsync(tenant, "v");
        var response = await user.GetAsync(EndUsers.Inbox + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
    }

    [Fact]
    public async Task Bulk_changes_need_one_to_a_thousand_ids()
    {
        var tenant = await service.NewTenantAsync(null);
        var user = await service.UserClientAsync(tenant, "v");
        foreach (var body in new object[] { new { ids = Array.Empty<Guid>() }, new { ids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid()).ToArray() }, new { } })
        {
            var response = await user.PostJsonAsync($"{EndUsers.Inbox}/read", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull((await response.JsonAsync())["errors"]!["ids"]);
        }
        var unknown = await user.PostJsonAsync($"{EndUsers.Inbox}/read", new { ids = new[] { Guid.NewGuid() } });
        Assert.Equal(0, (await unknown.JsonAsync())["updated"]!.GetValue<int>());
    }

    [Fact]
    public async Task Users_manage_their_own_devices_over_the_service_registry()
    {
        var tenant = await service.NewTenantAsync(null);
        var user = await service.UserClientAsync(tenant, "dev-user");
        Assert.Equal(HttpStatusCode.OK, (await user.PostJsonAsync($"{EndUsers.Me}/devices", new { token = "tok-1", platform = "web" })).StatusCode);
        var listed = (await user.GetFromJsonAsync<JsonArray>($"{EndUsers.Me}/devices"))!;
        Assert.Equal("tok-1", Assert.Single(listed)!["token"]!.GetValue<string>());
        var other = await service.UserClientAsync(tenant, "someone-else");
        Assert.Empty((await other.GetFromJsonAsync<JsonArray>($"{EndUsers.Me}/devices"))!);

        var withUser = await user.PostJsonAsync($"{EndUsers.Me}/devices", new { userId = "someone-else", token = "tok-2", platform = "web" });
        Assert.Equal(HttpStatusCode.BadRequest, withUser.StatusCode);   // the user comes from the token, never the body

        var delete = new HttpRequestMessage(HttpMethod.Delete, $"{EndUsers.Me}/devices") { Content = JsonContent.Create(new { token = "tok-1" }) };
        Assert.Equal(HttpStatusCode.NoContent, (await user.SendAsync(delete)).StatusCode);
        Assert.Empty((await user.GetFromJsonAsync<JsonArray>($"{EndUsers.Me}/devices"))!);
    }
}
