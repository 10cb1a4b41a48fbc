using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Recipients;

/// <summary>The profile API as the specs speak it.</summary>
public static class RecipientsApi
{
    public const string Users = "/api/v1/services/users";
    public const string MyProfile = "/api/v1/users/me/profile";

    public static string Of(string userId) => $"{Users}/{Uri.EscapeDataString(userId)}";

    public static Task<HttpResponseMessage> PutProfileAsync(this HttpClient http, string userId, object body) =>
        http.PutAsync(Of(userId), new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> MergePatchAsync(this HttpClient http, string url, object body, string contentType = "application/merge-patch+json") =>
        http.PatchAsync(url, new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, contentType));

    /// <summary>PUT, expecting 200 or 201; the profile answered.</summary>
    public static async Task<JsonNode> IdentifyAsync(this HttpClient http, string userId, object body)
    {
        var response = await http.PutProfileAsync(userId, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT profile {userId}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode?> ProfileAsync(this HttpClient http, string userId)
    {
        var response = await http.GetAsync(Of(userId));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        Assert.True(response.IsSuccessStatusCode, $"GET profile {userId}: {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonNode>();
    }

    /// <summary>A key of <paramref name="tenantId"/> with only these scopes.</summary>
    public static async Task<HttpClient> KeyWithAsync(this ServiceFixture service, Guid tenantId, params string[] scopes)
    {
        await using var scope = service.Factory.Services.CreateAsyncScope();
        var (_, key) = await scope.ServiceProvider.GetRequiredService<TenantStore>().CreateServiceAccountAsync(tenantId, "scoped", scopes, default);
        return service.Client(key);
    }

    /// <summary>The field names of a ValidationProblemDetails answer.</summary>
    public static async Task<string[]> ErrorFieldsAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]?.AsObject().Select(e => e.Key).Order().ToArray() ?? [];

    public static string? Text(this JsonNode? node, string name) => node?[name]?.GetValue<string>();
}
