using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Topics;

/// <summary>The topics API as the specs speak it.</summary>
public static class TopicsApi
{
    public const string Topics = "/api/v1/services/topics";
    public const string Events = "/api/v1/services/events";

    public static string Of(string key) => $"{Topics}/{Uri.EscapeDataString(key)}";

    public static Task<HttpResponseMessage> PutTopicAsync(this HttpClient http, string key, object body) =>
        http.PutAsync(Of(key), new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    /// <summary>Creates (or renames) the topic and adds these members; fails the spec on anything but success.</summary>
    public static async Task TopicWithAsync(this HttpClient http, string key, params string[] members)
    {
        var put = await http.PutTopicAsync(key, new { name = $"Topic {key}" });
        Assert.True(put.IsSuccessStatusCode, $"PUT topic {key}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        if (members.Length > 0) await http.MembersOkAsync(key, members);
    }

    public static Task<HttpResponseMessage> AddMembersAsync(this HttpClient http, string key, object body) => http.PostJsonAsync($"{Of(key)}/members", body);

    public static Task<HttpResponseMessage> RemoveMembersAsync(this HttpClient http, string key, object body) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"{Of(key)}/members")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        });

    /// <summary>Adds (or removes) members, expecting 200; returns (changed, memberCount).</summary>
    public static async Task<(int Changed, long Count)> MembersOkAsync(this HttpClient http, string key, string[] userIds, bool remove = false)
    {
        var response = remove ? await http.RemoveMembersAsync(key, new { userIds }) : await http.AddMembersAsync(key, new { userIds });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(remove ? "DELETE" : "POST")} members of {key}: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!;
        return (body["changed"]!.GetValue<int>(), body["memberCount"]!.GetValue<long>());
    }

    /// <summary>A send to topics, expecting 202; returns the fan-out's id.</summary>
    public static async Task<Guid> SendToTopicsAsync(this HttpClient http, object body, string? idempotencyKey = null)
    {
        var response = await http.PostJsonAsync(Api.Send, body, idempotencyKey);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 202) throw new Xunit.Sdk.XunitException($"expected 202, got {(int)response.StatusCode}: {text}");
        return Guid.Parse(JsonNode.Parse(text)!["id"]!.GetValue<string>());
    }

    public static string FanOut(Guid id) => $"/api/v1/services/notifications/fan-outs/{id}";

    public static Task<JsonNode> WaitForFanOutAsync(this HttpClient http, Guid id, string status, int timeoutSeconds = 60) =>
        Eventually.Async(async () => (await http.GetFromJsonAsync<JsonNode>(FanOut(id)))!, f => f["status"]!.GetValue<string>() == status,
            $"fan-out {id} to be {status}", TimeSpan.FromSeconds(timeoutSeconds));

    public static Task<HttpResponseMessage> PublishAsync(this HttpClient http, object body) => http.PostJsonAsync(Events, body);

    /// <summary>The fan-out's notifications as (userId, channel, id), from the database.</summary>
    public static async Task<List<(string UserId, string Channel, Guid Id, string? Topics)>> FanOutNotificationsAsync(this ServiceFixture service, Guid fanOutId)
    {
        await using var cmd = service.Db.CreateCommand(
            "select recipient->>'userId', channel, id, (recipient->'topics')::text from notifications where batch_id = $1 order by 1, 2");
        cmd.Parameters.AddWithValue(fanOutId);
        var rows = new List<(string, string, Guid, string?)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add((r.GetString(0), r.GetString(1), r.GetGuid(2), r.IsDBNull(3) ? null : r.GetString(3)));
        return rows;
    }
}
