using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Topics;

/// <summary>
/// Topics over HTTP: PUT creates (201) or replaces its name and description (200), members are added and removed idempotently with an exact count
/// read from the topic, keyset pages of topics, members and a user's topics, DELETE takes the members with it; bad keys
/// and bad member lists are a 400 naming the field with nothing written; another tenant's topic is a 404 on every route;
/// scopes.
/// </summary>
[Collection("service")]
public class TopicApiTests(ServiceFixture service)
{
    [Fact]
    public async Task Members_are_added_and_removed_idempotently_and_the_count_is_exactly_what_changed()
    {
        var tenant = await service.NewTenantAsync(null);
        var created = await tenant.Http.PutTopicAsync("building-12", new { name = "Building 12", description = "Tenants of 12 Rue Haute" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(TopicsApi.Of("building-12"), created.Headers.Location!.OriginalString);
        var renamed = await tenant.Http.PutTopicAsync("building-12", new { key = "building-12", name = "Bâtiment 12" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        Assert.Equal((3, 3L), await tenant.Http.MembersOkAsync("building-12", ["u1", "u2", "u3"]));
        Assert.Equal((1, 4L), await tenant.Http.MembersOkAsync("building-12", ["u2", "u3", "u4", "u4"]));   // only u4 is new
        Assert.Equal((0, 4L), await tenant.Http.MembersOkAsync("building-12", ["u1"]));
        Assert.Equal((1, 3L), await tenant.Http.MembersOkAsync("building-12", ["u1", "u9"], remove: true));   // u9 was never in
        Assert.Equal((0, 3L), await tenant.Http.MembersOkAsync("building-12", ["u1"], remove: true));

        var topic = (await tenant.Http.GetFromJsonAsync<JsonNode>(TopicsApi.Of("building-12")))!;
        // PUT replaces: the description it left out is gone; the members are not part of it.
        Assert.Equal(("Bâtiment 12", null, 3L), (topic.Text("name"), topic.Text("description"), topic["memberCount"]!.GetValue<long>()));
        Assert.Equal(3L, await service.ScalarAsync<long>("select count(*) from topic_members where tenant_id = $1 and topic_key = 'building-12'", tenant.Id));

        var first = (await tenant.Http.GetFromJsonAsync<JsonNode>($"{TopicsApi.Of("building-12")}/members?limit=2"))!;
        Assert.Equal(["u2", "u3"], first["items"]!.AsArray().Select(m => m!.Text("userId")!));
        var rest = (await tenant.Http.GetFromJsonAsync<JsonNode>($"{TopicsApi.Of("building-12")}/members?limit=2&cursor={first.Text("nextCursor")}"))!;
        Assert.Equal(["u4"], rest["items"]!.AsArray().Select(m => m!.Text("userId")!));
        Assert.Null(rest["nextCursor"]);

        await tenant.Http.TopicWithAsync("admins", "u2");
        var ofUser = (await tenant.Http.GetFromJsonAsync<JsonNode>("/api/v1/services/users/u2/topics"))!;
        Assert.Equal(["admins", "building-12"], ofUser["items"]!.AsArray().Select(t => t!.Text("key")!));

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync(TopicsApi.Of("building-12"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync(TopicsApi.Of("building-12"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.DeleteAsync(TopicsApi.Of("building-12"))).StatusCode);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from topic_members where tenant_id = $1 and topic_key = 'building-12'", tenant.Id));
        ofUser = (await tenant.Http.GetFromJsonAsync<JsonNode>("/api/v1/services/users/u2/topics"))!;
        Assert.Equal(["admins"], ofUser["items"]!.AsArray().Select(t => t!.Text("key")!));
    }

    [Fact]
    public async Task The_list_pages_by_key_with_each_topics_member_count()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("b", "x", "y");
        await tenant.Http.TopicWithAsync("a", "x");
        await tenant.Http.TopicWithAsync("c");
        var first = (await tenant.Http.GetFromJsonAsync<JsonNode>($"{TopicsApi.Topics}?limit=2"))!;
        Assert.Equal([("a", 1L), ("b", 2L)], first["items"]!.AsArray().Select(t => (t!.Text("key")!, t!["memberCount"]!.GetValue<long>())));
        var rest = (await tenant.Http.GetFromJsonAsync<JsonNode>($"{TopicsApi.Topics}?limit=2&cursor={first.Text("nextCursor")}"))!;
        Assert.Equal([("c", 0L)], rest["items"]!.AsArray().Select(t => (t!.Text("key")!, t!["memberCount"]!.GetValue<long>())));
    }

    [Fact]
    public async Task Bad_keys_and_member_lists_are_400s_naming_the_field_and_change_nothing()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("ok", "a");
        var badKey = await tenant.Http.PutTopicAsync("has space", new { name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.Equal(["key"], await badKey.ErrorFieldsAsync());
        Assert.Equal(["name"], await (await tenant.Http.PutTopicAsync("ok", new { name = " " })).ErrorFieldsAsync());

        var tooMany = await tenant.Http.AddMembersAsync("ok", new { userIds = Enumerable.Range(0, 10_001).Select(i => $"u{i}").ToArray() });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(["userIds"], await tooMany.ErrorFieldsAsync());
        Assert.Equal(["userIds[1]"], await (await tenant.Http.AddMembersAsync("ok", new { userIds = new[] { "b", " " } })).ErrorFieldsAsync());
        Assert.Equal(["userIds"], await (await tenant.Http.AddMembersAsync("ok", new { userIds = Array.Empty<string>() })).ErrorFieldsAsync());
        Assert.Equal(["role"], await (await tenant.Http.AddMembersAsync("ok", new { userIds = new[] { "b" }, role = "x" })).ErrorFieldsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.AddMembersAsync("missing", new { userIds = new[] { "b" } })).StatusCode);
        Assert.Equal(1L, (await tenant.Http.GetFromJsonAsync<JsonNode>(TopicsApi.Of("ok")))!["memberCount"]!.GetValue<long>());

        // A full call of 10,000 is one request.
        Assert.Equal((10_000, 10_001L), await tenant.Http.MembersOkAsync("ok", [.. Enumerable.Range(0, 10_000).Select(i => $"member-{i:D5}")]));
    }

    [Fact]
    public async Task Another_tenants_topic_is_a_404_on_every_route_and_scopes_are_enforced()
    {
        var owner = await service.NewTenantAsync(null);
        var other = await service.NewTenantAsync(null, "email");
        await owner.Http.TopicWithAsync("private", "alice");

        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(TopicsApi.Of("private"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"{TopicsApi.Of("private")}/members")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.AddMembersAsync("private", new { userIds = new[] { "mallory" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.RemoveMembersAsync("private", new { userIds = new[] { "alice" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync(TopicsApi.Of("private"))).StatusCode);
        var send = await other.Http.PostJsonAsync(Api.Send, new { channel = "in_app", recipient = new { topics = new[] { "private" } }, content = new { body = "hi" } });
        Assert.Equal(HttpStatusCode.NotFound, send.StatusCode);
        var publish = await other.Http.PublishAsync(new { to = new { topics = new[] { "private" } }, type = "x", data = new { } });
        Assert.Equal(HttpStatusCode.NotFound, publish.StatusCode);
        Assert.Empty((await other.Http.GetFromJsonAsync<JsonNode>("/api/v1/services/users/alice/topics"))!["items"]!.AsArray());
        Assert.Equal(1L, (await owner.Http.GetFromJsonAsync<JsonNode>(TopicsApi.Of("private")))!["memberCount"]!.GetValue<long>());

        var sender = await service.KeyWithAsync(owner.Id, Scopes.Send);
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.PutTopicAsync("new", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync(TopicsApi.Of("private"))).StatusCode);
        var reader = await service.KeyWithAsync(owner.Id, Scopes.TopicsRead);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"{TopicsApi.Of("private")}/members")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.AddMembersAsync("private", new { userIds = new[] { "x" } })).StatusCode);
        var writer = await service.KeyWithAsync(owner.Id, Scopes.TopicsWrite);
        Assert.Equal(HttpStatusCode.OK, (await writer.AddMembersAsync("private", new { userIds = new[] { "bob" } })).StatusCode);
    }
}
