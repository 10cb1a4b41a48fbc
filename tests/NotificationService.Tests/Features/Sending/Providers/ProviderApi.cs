using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>Provider configs through the admin API, as an operator's script would create them.</summary>
public static class ProviderApi
{
    public const string Url = "/api/v1/admin/providers";
    public const string ApiKey = "SG.secret-value-never-shown";

    public static object SendGrid(string baseUrl, string name, int priority = 100, object? extraSettings = null)
    {
        var settings = new JsonObject { ["baseUrl"] = baseUrl, ["fromEmail"] = "noreply@example.com" };
        if (extraSettings is not null)
            foreach (var (k, v) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extraSettings))!.AsObject())
                settings[k] = v?.DeepClone();
        return new { channel = "email", kind = "sendgrid", name, priority, settings, secrets = new { apiKey = ApiKey } };
    }

    public static async Task<Guid> CreateAsync(HttpClient http, object body)
    {
        var response = await http.PostJsonAsync(Url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new Xunit.Sdk.XunitException($"expected 201, got {(int)response.StatusCode}: {text}");
        return Guid.Parse(JsonNode.Parse(text)!["id"]!.GetValue<string>());
    }

    /// <summary>A tenant whose only providers are the ones the test creates.</summary>
    public static Task<TestTenant> BareTenantAsync(this ServiceFixture service) => service.NewTenantAsync(sandboxSettingsJson: null);
}
