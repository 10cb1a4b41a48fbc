using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Preferences;

/// <summary>The service with a public base URL, so emails carry signed unsubscribe and preferences links.</summary>
public sealed class PreferencesFixture : ServiceFixture
{
    public const string PublicBaseUrl = "https://notify.example.test";

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("PublicBaseUrl", PublicBaseUrl);

    /// <summary>A key of <paramref name="tenantId"/> with only these scopes.</summary>
    public async Task<HttpClient> KeyWithAsync(Guid tenantId, params string[] scopes)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var (_, key) = await scope.ServiceProvider.GetRequiredService<TenantStore>().CreateServiceAccountAsync(tenantId, "scoped", scopes, default);
        return Client(key);
    }

    /// <summary>An anonymous client (the /u/ pages need no key) that does not follow redirects.</summary>
    public HttpClient Anonymous() => Factory.CreateClient(new() { AllowAutoRedirect = false });
}

[CollectionDefinition("preferences")]
public sealed class PreferencesCollection : ICollectionFixture<PreferencesFixture>;

public static class PreferencesApi
{
    public const string Categories = "/api/v1/admin/categories";

    public static string Of(string userId) => $"/api/v1/services/users/{Uri.EscapeDataString(userId)}/preferences";

    public static async Task CreateCategoryAsync(this HttpClient http, object body)
    {
        var response = await http.PostJsonAsync(Categories, body);
        Assert.True(response.IsSuccessStatusCode, $"creating a category: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<JsonNode> PutPreferencesAsync(this HttpClient http, string userId, object body)
    {
        var response = await http.PutAsJsonAsync(Of(userId), body);
        Assert.True(response.IsSuccessStatusCode, $"PUT preferences: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    /// <summary>The problem's field names (errors keys) of a ProblemDetails answer.</summary>
    public static async Task<string[]> ProblemFieldsAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync())["errors"]?.AsObject().Select(e => e.Key).ToArray() ?? [];

    /// <summary>An email to a user, in a category (null: none named).</summary>
    public static object Email(string userId, string? category, string to = "ada@example.com", bool? overridePreferences = null) => new
    {
        channel = "email", recipient = new { userId, email = to }, category, overridePreferences,
        content = new { subject = "News", body = "Unsubscribe: {{unsubscribeUrl}} Preferences: {{preferencesUrl}}" },
    };

    /// <summary>Every history row of a notification, "status: detail", in order.</summary>
    public static async Task<string> HistoryAsync(this ServiceFixture service, Guid id) =>
        await service.ScalarAsync<string>("select string_agg(status || ': ' || coalesce(detail, ''), ' | ' order by id) from notification_events where notification_id = $1", id) ?? "";
}
