using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Tests.Support;

/// <summary>End users as a tenant's app sees them: a token minted by the backend, a client that carries it, in_app sends.</summary>
public static class EndUsers
{
    public const string Me = "/api/v1/users/me";
    public const string Inbox = Me + "/notifications";

    public static async Task<string> TokenAsync(this TestTenant tenant, string userId, int? expiresInSeconds = null)
    {
        var response = await tenant.Http.PostJsonAsync($"/api/v1/services/users/{Uri.EscapeDataString(userId)}/token", new { expiresInSeconds });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new Xunit.Sdk.XunitException($"mint failed {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["token"]!.GetValue<string>();
    }

    public static async Task<HttpClient> UserClientAsync(this ServiceFixture service, TestTenant tenant, string userId) =>
        service.BearerClient(await tenant.TokenAsync(userId));

    public static HttpClient BearerClient(this ServiceFixture service, string token)
    {
        var client = service.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Sends an in_app notification and waits until the ledger says it was delivered to the inbox.</summary>
    public static async Task<Guid> SendInAppAsync(this ServiceFixture service, TestTenant tenant, string userId, string title = "Hello",
        string? category = null, string? expiresAt = null)
    {
        var id = await tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId }, content = new { subject = title, body = "Body of " + title }, category,
            expiresAt,
        });
        await service.Ledger.WaitForAsync(id, "sent");
        return id;
    }

    /// <summary>
    /// "Its expiry has passed": the item's expiry moves into the past. Specs send with an expiry an hour ahead and call
    /// this, rather than an expiry two seconds ahead that a slow worker could pass before it delivered the item.
    /// </summary>
    public static async Task ExpireNowAsync(this ServiceFixture service, Guid notificationId) =>
        Assert.Equal(1, await service.ScalarAsync<int>("update inbox_items set expires_at = now() - interval '1 second' where notification_id = $1 returning 1", notificationId));

    public static async Task<(int Unread, int Unseen, int Total)> CountsAsync(this HttpClient user)
    {
        var c = (await user.GetFromJsonAsync<JsonNode>(Inbox + "/unread-count"))!;
        return (c["unread"]!.GetValue<int>(), c["unseen"]!.GetValue<int>(), c["total"]!.GetValue<int>());
    }

    public static async Task<List<Guid>> ListIdsAsync(this HttpClient user, string query = "")
    {
        var page = (await user.GetFromJsonAsync<JsonNode>(Inbox + query))!;
        return page["items"]!.AsArray().Select(i => Guid.Parse(i!["id"]!.GetValue<string>())).ToList();
    }
}
