using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Tests.Support;

/// <summary>Small helpers so tests read as HTTP conversations.</summary>
public static class Api
{
    public const string Send = "/api/v1/services/notifications/send";

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string url, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return http.SendAsync(request);
    }

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    public static async Task<Guid> SendOkAsync(this HttpClient http, object body)
    {
        var response = await http.PostJsonAsync(Send, body);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 202) throw new Xunit.Sdk.XunitException($"expected 202, got {(int)response.StatusCode}: {text}");
        return Guid.Parse(JsonNode.Parse(text)!["id"]!.GetValue<string>());
    }

    public static async Task<JsonNode> StatusAsync(this HttpClient http, Guid id) =>
        (await http.GetFromJsonAsync<JsonNode>($"/api/v1/services/notifications/{id}"))!;

    /// <summary>Polls the status endpoint until the notification reaches <paramref name="status"/> (fails after the timeout).</summary>
    public static Task<JsonNode> WaitForStatusAsync(this HttpClient http, Guid id, string status, int timeoutMs = 30_000) =>
        Eventually.Async(() => http.StatusAsync(id), n => n["status"]!.GetValue<string>() == status, $"notification {id} to reach '{status}'",
            TimeSpan.FromMilliseconds(timeoutMs));

    public static object Email(string to = "ada@example.com", string subject = "Hi {{name}}", string body = "Hello {{name}}") =>
        new { channel = "email", recipient = new { email = to }, content = new { subject, body }, data = new { name = "Ada" } };
}
