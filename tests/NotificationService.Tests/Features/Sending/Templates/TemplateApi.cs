using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>The admin template API as the tests speak it.</summary>
public static class TemplateApi
{
    public const string Root = "/api/v1/admin/templates";

    public static async Task<JsonNode> CreateTemplateAsync(this HttpClient http, object body)
    {
        var response = await http.PostJsonAsync(Root, body);
        return await ExpectAsync(response, 201);
    }

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient http, string url, object body) =>
        http.PutAsync(url, new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    public static async Task<JsonNode> ExpectAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != status) throw new Xunit.Sdk.XunitException($"expected {status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient http, string url) =>
        await ExpectAsync(await http.GetAsync(url), 200);

    public static Guid Id(this JsonNode node) => Guid.Parse(node["id"]!.GetValue<string>());

    public static string[] ErrorKeys(this JsonNode problem) => problem["errors"]!.AsObject().Select(e => e.Key).ToArray();

    public static string Error(this JsonNode problem, string field) =>
        string.Join(" | ", problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()));

    public static object Sms(string key, string body, string locale = "en") =>
        new { key, channel = "sms", locale, description = "test", parts = new { body } };

    /// <summary>What the sandbox provider recorded for a notification (content JSON).</summary>
    public static async Task<JsonNode> SandboxContentAsync(this ServiceFixture service, Guid notificationId) =>
        JsonNode.Parse((await service.ScalarAsync<string>("select content::text from sandbox_messages where notification_id = $1", notificationId))!)!;
}
