using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Sign-in, sign-out, that an API key opens nothing, and the session cookie and CSRF rules, in a real chromium.</summary>
[Collection("console")]
public class ConsoleSignInTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_member_signs_in_to_an_HttpOnly_SameSite_Strict_session_and_signing_out_ends_it()
    {
        var tenant = await console.NewTenantAsync();
        var page = await console.NewPageAsync();
        await page.GotoAsync("/admin/queues");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/sign-in"));   // not signed in: sent to sign in

        await page.SignInAsync(console, tenant);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "ns_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/sign-in"));
        // The old cookie, replayed from outside the browser, is dead: sign-out removed the session, not only the cookie.
        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.BaseAddress };
        replay.DefaultRequestHeaders.Add("Cookie", $"ns_console={cookie.Value}");
        var response = await replay.GetAsync("/admin/queues");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [ChromiumFact]
    public async Task An_api_key_opens_no_console_session_and_the_sign_in_page_says_keys_are_for_services()
    {
        var tenant = await console.NewTenantAsync();
        var owner = await console.OwnerOfAsync(tenant);
        var page = await console.NewPageAsync();
        await page.GotoAsync($"/admin/sign-in?tenant={tenant.Id}");
        await Assertions.Expect(page.GetByLabel("API key")).ToHaveCountAsync(0);   // no key form any more

        // An admin key pasted where a password goes: refused before anything is checked, saying what to do instead.
        await page.GetByLabel("Email").FillAsync(owner);
        await page.GetByLabel("Password").FillAsync(tenant.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("API keys are for services");
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("members sign-in-link");
        Assert.DoesNotContain(tenant.ApiKey, await page.ContentAsync());
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "ns_console");

        // What the retired key form posted (an old bookmark, a script): 410 with the same words, and no session.
        using var http = new ConsoleHttp(console.BaseAddress);
        using var old = await http.PostFormAsync("/admin/sign-in", await http.TokenAsync("/admin/sign-in"), [("apiKey", tenant.ApiKey)]);
        Assert.Equal(HttpStatusCode.Gone, old.StatusCode);
        Assert.Contains("API keys are for services", await old.Content.ReadAsStringAsync());
        Assert.Equal(0L, await console.ScalarAsync<long>("select count(*) from console_sessions where tenant_id = $1", tenant.Id));
    }

    [ChromiumFact]
    public async Task A_forged_form_post_without_the_antiforgery_token_is_refused()
    {
        var tenant = await console.NewTenantAsync();
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, tenant);
        // Same session cookie, but no token: what a cross-site form would send if SameSite did not stop the cookie.
        var form = page.APIRequest.CreateFormData();
        form.Set("name", "forged");
        form.Append("scopes", "admin");
        var forged = await page.APIRequest.PostAsync("/admin/api-keys?handler=Create", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        var keys = await tenant.Http.GetStringAsync("/api/v1/admin/api-keys");
        Assert.DoesNotContain("forged", keys);
    }
}
