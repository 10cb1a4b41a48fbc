using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Topics;

/// <summary>
/// A topic's member count is a counter moved by the statement that changes the membership, by the rows it really
/// inserted or deleted. Concurrent adds and removes of overlapping users, in random rounds, leave it equal to a
/// COUNT(*) of the members (as the inbox counters are checked).
/// </summary>
[Collection("service")]
public class TopicMemberCountTests(ServiceFixture service)
{
    [Fact]
    public async Task Concurrent_random_adds_and_removes_leave_the_count_equal_to_the_members_counted()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("busy");
        var users = Enumerable.Range(0, 300).Select(i => $"user-{i}").ToArray();
        var random = new Random(32);
        for (var round = 0; round < 5; round++)
        {
            // Eight callers at once, each adding or removing a random subset that overlaps the others'.
            var calls = Enumerable.Range(0, 8).Select(_ =>
            {
                var subset = users.Where(_ => random.NextDouble() < 0.3).ToArray();
                var remove = random.NextDouble() < 0.4;
                return Task.Run(() => tenant.Http.MembersOkAsync("busy", subset, remove));
            }).ToList();
            await Task.WhenAll(calls);

            var counted = await service.ScalarAsync<long>("select count(*) from topic_members where tenant_id = $1 and topic_key = 'busy'", tenant.Id);
            var kept = (await tenant.Http.GetFromJsonAsync<JsonNode>(TopicsApi.Of("busy")))!["memberCount"]!.GetValue<long>();
            Assert.Equal(counted, kept);
            Assert.True(counted > 0, "the rounds should leave members to count");
        }
    }
}
