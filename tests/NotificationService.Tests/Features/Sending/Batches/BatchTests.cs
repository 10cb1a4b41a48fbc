using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Batches;

[Collection("service")]
public class BatchTests(ServiceFixture service)
{
    private const string SendBatch = "/api/v1/services/notifications/send-batch";
    private const string SendChunk = "/api/v1/services/notifications/send-chunk";

    private static object Batch(params object[] recipients) => new
    {
        channel = "email", content = new { subject = "Hi {{name}}", body = "Order {{order}} from {{shop}}" },
        data = new { shop = "Acme", name = "friend" }, recipients,
    };

    [Fact]
    public async Task A_batch_accepts_good_recipients_rejects_bad_ones_by_index_and_merges_their_data()
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(SendBatch, Batch(
            new { email = "ada@example.com", data = new { name = "Ada", order = 1 } },
            new { email = "not-an-email" },
            new { email = "bob@example.com", data = new { order = 2 } }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.JsonAsync();
        var batchId = Guid.Parse(body["batchId"]!.GetValue<string>());
        Assert.Equal(2, body["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(body["rejected"]!.AsArray());
        Assert.Equal(1, rejected!["index"]!.GetValue<int>());
        Assert.True(rejected["errors"]!.AsObject().ContainsKey("recipient.email"));

        var status = await WaitSettledAsync(tenant.Http, batchId);
        Assert.Equal(2, status["counts"]!["sent"]!.GetValue<long>());
        var subjects = await service.ScalarAsync<string>("""
            select string_agg(s.content->>'subject', '|' order by s.content->>'subject') from sandbox_messages s
            join notifications n on n.id = s.notification_id where n.batch_id = $1
            """, batchId);
        Assert.Equal("Hi Ada|Hi friend", subjects);
        // Keys of the batch's data that a recipient's own data does not name are added to it (shop), its own win (name).
        var bodies = await service.ScalarAsync<string>("""
            select string_agg(s.content->>'body', '|' order by s.content->>'body') from sandbox_messages s
            join notifications n on n.id = s.notification_id where n.batch_id = $1
            """, batchId);
        Assert.Equal("Order 1 from Acme|Order 2 from Acme", bodies);
    }

    [Fact]
    public async Task Chunks_add_to_the_batch_and_a_stranger_cannot_see_or_extend_it()
    {
        var tenant = await service.NewTenantAsync();
        var stranger = await service.NewTenantAsync();
        var first = await (await tenant.Http.PostJsonAsync(SendBatch, Batch(new { email = "a@example.com" }))).JsonAsync();
        var batchId = first["batchId"]!.GetValue<string>();

        var chunk = await tenant.Http.PostJsonAsync(SendChunk, new { batchId, recipients = new[] { new { email = "b@example.com" }, new { email = "c@example.com" } } });
        Assert.Equal(HttpStatusCode.Accepted, chunk.StatusCode);
        var status = await WaitSettledAsync(tenant.Http, Guid.Parse(batchId));
        Assert.Equal(3, status["accepted"]!.GetValue<int>());
        Assert.Equal(2, status["chunks"]!.GetValue<int>());
        Assert.Equal(3, status["counts"]!["sent"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/v1/services/notifications/batches/{batchId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostJsonAsync(SendChunk, new { batchId, recipients = new[] { new { email = "x@example.com" } } })).StatusCode);
    }

    [Fact]
    public async Task A_problem_with_the_shared_part_or_too_many_recipients_rejects_the_request_and_writes_nothing()
    {
        var tenant = await service.NewTenantAsync();
        var badChannel = await tenant.Http.PostJsonAsync(SendBatch, new { channel = "fax", content = new { body = "x" }, recipients = new[] { new { email = "a@example.com" } } });
        Assert.Equal(HttpStatusCode.BadRequest, badChannel.StatusCode);
        Assert.True((await badChannel.JsonAsync())["errors"]!.AsObject().ContainsKey("channel"));

        var tooMany = await tenant.Http.PostJsonAsync(SendBatch, Batch(Enumerable.Range(0, 1001).Select(i => (object)new { email = $"u{i}@example.com" }).ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.True((await tooMany.JsonAsync())["errors"]!.AsObject().ContainsKey("recipients"));

        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from batches where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Notifications_page_with_keyset_cursors()
    {
        var tenant = await service.NewTenantAsync();
        var body = await (await tenant.Http.PostJsonAsync(SendBatch, Batch(Enumerable.Range(0, 120).Select(i => (object)new { email = $"u{i}@example.com" }).ToArray()))).JsonAsync();
        var batchId = body["batchId"]!.GetValue<string>();

        var seen = new HashSet<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await tenant.Http.GetFromJsonAsync<JsonNode>($"/api/v1/services/notifications/batches/{batchId}/notifications?cursor={cursor}"))!;
            foreach (var n in page["items"]!.AsArray()) Assert.True(seen.Add(n!["id"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.Equal(120, seen.Count);
        Assert.Equal(3, pages); // 50 + 50 + 20
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Http.GetAsync($"/api/v1/services/notifications/batches/{batchId}/notifications?limit=101")).StatusCode);
    }

    [Fact]
    public async Task Send_batch_honours_the_idempotency_key()
    {
        var tenant = await service.NewTenantAsync();
        var first = await tenant.Http.PostJsonAsync(SendBatch, Batch(new { email = "a@example.com" }), idempotencyKey: "b-1");
        var again = await tenant.Http.PostJsonAsync(SendBatch, Batch(new { email = "a@example.com" }), idempotencyKey: "b-1");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from batches where tenant_id = $1", tenant.Id));
    }

    private static Task<JsonNode> WaitSettledAsync(HttpClient http, Guid batchId) =>
        Eventually.Async(async () => (await http.GetFromJsonAsync<JsonNode>($"/api/v1/services/notifications/batches/{batchId}"))!,
            s => s["settled"]!.GetValue<bool>(), $"batch {batchId} to settle");
}
