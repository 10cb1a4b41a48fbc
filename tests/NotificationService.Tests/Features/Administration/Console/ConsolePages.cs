using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Steps the console specs share.</summary>
public static class ConsolePages
{
    /// <summary>Signs the tenant's owner in as a person does it without a password at hand: the one-time link
    /// (`members sign-in-link`) opened in this browser, and its button. Lands on the overview.</summary>
    public static async Task SignInAsync(this IPage page, ConsoleFixture console, TestTenant tenant)
    {
        await page.GotoAsync(await console.OwnerSignInLinkAsync(tenant));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
    }

    /// <summary>Signs the tenant's owner in over HTTP with the same one-time link (<see cref="ConsoleHttp.SignInAsync"/>), hands
    /// the session's cookies to this browser and opens <paramref name="path"/>: for specs about a page rather than about
    /// signing in, which then skip the link page and the overview (two page loads of some 50 specs in one collection).</summary>
    public static async Task SignInAtAsync(this IPage page, ConsoleFixture console, TestTenant tenant, string path)
    {
        using var http = new ConsoleHttp(console.BaseAddress);
        using var answer = await http.SignInAsync(console, tenant);
        Assert.True(answer.StatusCode == System.Net.HttpStatusCode.Redirect, $"signing in over HTTP: {(int)answer.StatusCode}");
        var origin = console.BaseAddress.GetLeftPart(UriPartial.Authority);
        await page.Context.AddCookiesAsync(http.Cookies.GetAllCookies().Select(c =>
            new Cookie { Name = c.Name, Value = c.Value, Url = origin, HttpOnly = c.HttpOnly, SameSite = SameSiteAttribute.Strict }));
        await page.GotoAsync(path);
    }

    /// <summary>At 390 px the page does not scroll sideways (wide tables scroll inside themselves).</summary>
    public static async Task AssertFitsPhoneWidthAsync(this IPage page)
    {
        await page.SetViewportSizeAsync(390, 844);
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var culprits = width <= 390 + 1 ? "" : await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll("main *")].filter(e => e.getBoundingClientRect().right > 391)
                .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`).join(", ")
            """);
        Assert.True(width <= 390 + 1, $"{page.Url} scrolls sideways at phone width ({width} px): {culprits}");
    }

    /// <summary>axe-core finds no violation on the page as it is now.</summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.Load);   // after a form's navigation, the page with its stylesheet (contrast)
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0,
            string.Join("\n", result.Violations.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>axe-core finds no violation on the page as it is now, in light and dark, at 1366 and 390 px (where it also
    /// does not scroll sideways).</summary>
    public static async Task AssertAccessibleInEachSchemeAndWidthAsync(this IPage page)
    {
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            await page.SetViewportSizeAsync(1366, 900);
            await page.AssertAccessibleAsync();
            await page.AssertFitsPhoneWidthAsync();
            await page.AssertAccessibleAsync();
        }
    }

    /// <summary>Says OK to every confirmation the page asks from now on (a destructive button's data-confirm).</summary>
    public static void AcceptConfirmations(this IPage page) => page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

    /// <summary>Every script error the page raises from now on (uncaught exceptions, rejected promises, console.error).</summary>
    public static ConcurrentQueue<string> RecordScriptErrors(this IPage page)
    {
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, message) => errors.Enqueue($"page error: {message}");
        page.Console += (_, message) => { if (message.Type == "error") errors.Enqueue($"console error: {message.Text}"); };
        return errors;
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
