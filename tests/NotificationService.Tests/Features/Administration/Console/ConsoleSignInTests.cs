using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Sign-in, sign-out, who may sign in, and the session cookie and CSRF rules, in a real chromium.</summary>
[Collection("console")]
public class ConsoleSignInTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task An_admin_key_signs_in_to_an_HttpOnly_SameSite_Strict_session_and_signing_out_ends_it()
    {
        var tenant = await console.NewTenantAsync();
        var page = await console.NewPageAsync();
        await page.GotoAsync("/admin/queues");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/sign-in"));   // not signed in: sent to sign in

        await page.SignInAsync(tenant.ApiKey);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "ns_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(tenant.ApiKey, cookie.Value);   // the key is not kept

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/sign-in"));
        // The old cookie, replayed from outside the browser, is dead: sign-out removed the session, not only the cookie.
        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.BaseAddress };
        replay.DefaultRequestHeaders.Add("Cookie", $"ns_console={cookie.Value}");
        var response = await replay.GetAsync("/admin/queues");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/admin/sign-in", response.Headers.Location!.ToString());
    }

    [ChromiumFact]
    public async Task A_key_without_admin_and_an_unknown_key_cannot_sign_in()
    {
        var tenant = await console.NewTenantAsync();
        var sender = await tenant.CreateKeyAsync("sender", "notifications:send", "notifications:read");
        var page = await console.NewPageAsync();
        await page.GotoAsync("/admin/sign-in");
        await page.GetByLabel("API key").FillAsync(sender);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("lacks the admin scope");

        await page.GetByLabel("API key").FillAsync("nsk_nope0000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("unknown, revoked or malformed");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "ns_console");
    }

    [ChromiumFact]
    public async Task A_forged_form_post_without_the_antiforgery_token_is_refused()
    {
        var tenant = await console.NewTenantAsync();
        var page = await console.NewPageAsync();
        await page.SignInAsync(tenant.ApiKey);
        // Same session cookie, but no token: what a cross-site form would send if SameSite did not stop the cookie.
        var form = page.APIRequest.CreateFormData();
        form.Set("name", "forged");
        form.Append("scopes", "admin");
        var forged = await page.APIRequest.PostAsync("/admin/api-keys?handler=Create", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        var keys = await tenant.Http.GetStringAsync("/api/v1/admin/api-keys");
        Assert.DoesNotContain("forged", keys);
    }

    [ChromiumFact]
    public async Task Failed_sign_ins_are_throttled()
    {
        var page = await console.NewPageAsync();
        await page.GotoAsync("/admin/sign-in");
        var tenant = await console.NewTenantAsync();
        try
        {
            for (var i = 0; i < SignInThrottle.MaxFailures; i++)
            {
                await page.GetByLabel("API key").FillAsync(tenant.ApiKey[..13] + new string('A', 43));   // the key's prefix, a wrong secret
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
                await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("unknown, revoked or malformed");
            }
            await page.GetByLabel("API key").FillAsync(tenant.ApiKey);   // even the good key waits out the window (from this address)
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("Too many failed sign-ins");
        }
        finally
        {
            // Failures count per address and key prefix (SignInThrottleTests); this tenant's key is this spec's alone.
            console.Factory.Services.GetRequiredService<SignInThrottle>().Reset("127.0.0.1", tenant.ApiKey[..12]);
        }
    }
}
