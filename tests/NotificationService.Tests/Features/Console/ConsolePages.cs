using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Console;

/// <summary>Steps the console specs share.</summary>
public static class ConsolePages
{
    public static async Task SignInAsync(this IPage page, string apiKey)
    {
        await page.GotoAsync("/admin/sign-in");
        await page.GetByLabel("API key").FillAsync(apiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).Not.ToHaveTextAsync("Sign in");
    }

    public static async Task<string> CreateKeyAsync(this TestTenant tenant, string name, params string[] scopes)
    {
        var response = await tenant.Http.PostJsonAsync("/api/v1/admin/api-keys", new { name, scopes });
        return (await response.JsonAsync())["key"]!.GetValue<string>();
    }

    public static async Task<JsonNode> PostOkAsync(this HttpClient http, string url, object body)
    {
        var response = await http.PostJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new Xunit.Sdk.XunitException($"POST {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
