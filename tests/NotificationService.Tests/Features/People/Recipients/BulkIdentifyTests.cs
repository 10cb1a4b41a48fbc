using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Recipients;

/// <summary>
/// `POST /users/bulk`: up to 1,000 profiles in one request, answered item by item in request order (created, updated, or
/// error naming its field); an invalid item does not stop the valid ones; `"merge": true` merges like PATCH.
/// </summary>
[Collection("service")]
public class BulkIdentifyTests(ServiceFixture service)
{
    private const string Bulk = RecipientsApi.Users + "/bulk";

    [Fact]
    public async Task Results_come_in_request_order_and_a_bad_item_is_an_error_naming_its_field_while_the_others_are_written()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.IdentifyAsync("known", new { email = "known@example.com", name = "Known", data = new { plan = "free", seats = 1 } });

        var response = await tenant.Http.PostJsonAsync(Bulk, """
            {"users":[
              {"userId":"u1","email":"u1@example.com","name":"One"},
              {"userId":"u2","timezone":"Mars/Olympus"},
              {"userId":"known","merge":true,"data":{"plan":"pro"}},
              {"email":"no-user-id@example.com"},
              "not an object",
              {"userId":"u3","phone":"+14155550100","merge":"yes"},
              {"userId":"u1","merge":true,"locale":"fr"}
            ]}
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonNode>())!["results"]!.AsArray();
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], results.Select(r => r!["index"]!.GetValue<int>()));
        Assert.Equal(["created", "error", "updated", "error", "error", "error", "updated"], results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal(["timezone"], Fields(results[1]));
        Assert.Equal(["userId"], Fields(results[3]));
        Assert.Equal(["$"], Fields(results[4]));
        Assert.Equal(["merge"], Fields(results[5]));
        Assert.Equal("known", results[2]!["userId"]!.GetValue<string>());

        // Two items for one user apply in order: u1 was created, then merged.
        var u1 = (await tenant.Http.ProfileAsync("u1"))!;
        Assert.Equal(("u1@example.com", "One", "fr"), (u1.Text("email"), u1.Text("name"), u1.Text("locale")));
        var known = (await tenant.Http.ProfileAsync("known"))!;
        Assert.Equal(("Known", "pro", 1), (known.Text("name"), known["data"]!["plan"]!.GetValue<string>(), known["data"]!["seats"]!.GetValue<int>()));
        Assert.Null(await tenant.Http.ProfileAsync("u2"));
        Assert.Null(await tenant.Http.ProfileAsync("u3"));
    }

    [Fact]
    public async Task A_thousand_users_are_identified_in_one_request_and_a_thousand_and_one_are_refused()
    {
        var tenant = await service.NewTenantAsync(null);
        var users = Enumerable.Range(0, 1000).Select(i => new { userId = $"bulk-{i:D4}", email = $"b{i}@example.com", data = new { n = i } }).ToArray();
        var response = await tenant.Http.PostJsonAsync(Bulk, new { users });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonNode>())!["results"]!.AsArray();
        Assert.All(results, r => Assert.Equal("created", r!["status"]!.GetValue<string>()));
        Assert.Equal(1000, await service.ScalarAsync<long>("select count(*) from recipient_profiles where tenant_id = $1", tenant.Id));

        var again = (await (await tenant.Http.PostJsonAsync(Bulk, new { users })).Content.ReadFromJsonAsync<JsonNode>())!["results"]!.AsArray();
        Assert.All(again, r => Assert.Equal("updated", r!["status"]!.GetValue<string>()));

        var tooMany = await tenant.Http.PostJsonAsync(Bulk, new { users = users.Append(new { userId = "one-more", email = "x@example.com", data = new { n = 0 } }) });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(["users"], await tooMany.ErrorFieldsAsync());
        Assert.Null(await tenant.Http.ProfileAsync("one-more"));
    }

    private static string[] Fields(JsonNode? result) => result!["errors"]!.AsObject().Select(e => e.Key).ToArray();
}
