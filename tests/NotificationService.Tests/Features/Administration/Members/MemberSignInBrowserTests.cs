using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;
using OtpNet;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// A person joins and signs in as a browser does it: the invitation link, a name and password, the second factor
/// enrolled from the shown secret (the spec computes codes as an authenticator app would), sign-in with the code, and
/// only what the role allows. Refusals say clearly why; every page passes axe-core.
/// </summary>
[Collection("console")]
public class MemberSignInBrowserTests(ConsoleFixture console)
{
    private const string Password = "correct horse battery staple";

    [ChromiumFact]
    public async Task An_invited_admin_joins_enrols_a_second_factor_and_signs_in_with_a_code()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        var invite = await InviteAsync(tenant, email, "admin");
        var page = await console.NewPageAsync();

        await page.GotoAsync(invite);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Join your team");
        await page.AssertAccessibleAsync();
        await page.GetByLabel("Your name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Password").FillAsync("short");
        await page.Locator("#password").EvaluateAsync("e => e.removeAttribute('minlength')");   // the server's own check, not the browser's
        await page.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Assertions.Expect(page.Locator("#password-error")).ToContainTextAsync("at least 10 characters");
        await page.GetByLabel("Your name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/enrol$"));
        await page.AssertAccessibleAsync();
        var totp = new Totp(Base32Encoding.ToBytes(await page.Locator("#totp-secret").InnerTextAsync()));
        await Assertions.Expect(page.Locator("#totp-qr")).ToHaveAttributeAsync("src", new Regex("^data:image/svg\\+xml;base64,"));
        await page.GetByLabel("Enter the 6-digit code").FillAsync(totp.ComputeTotp(DateTime.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue to the console" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync(email);

        await page.GotoAsync("/admin/members");
        await Assertions.Expect(page.Locator("#members")).ToContainTextAsync(email);
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        // Sign in again: email and password, then the code; a wrong code is refused and says so.
        await page.GotoAsync($"/admin/sign-in?tenant={tenant.Id}");
        await page.AssertAccessibleAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByLabel("Code from your authenticator app").FillAsync(totp.ComputeTotp(DateTime.UtcNow) == "000000" ? "111111" : "000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("That code is not right");
        // The next step's code: the one used at enrolment cannot be used twice, and the next is within the accepted drift.
        await page.GetByLabel("Code from your authenticator app").FillAsync(totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");

        // The invitation worked once.
        var again = await console.NewPageAsync();
        await again.GotoAsync(invite);
        await Assertions.Expect(again.Locator("#invite-error")).ToContainTextAsync("already used");
    }

    [ChromiumFact]
    public async Task An_editor_sees_only_what_the_role_allows_and_a_disabled_member_or_an_expired_invitation_is_refused()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        var email = $"grace-{Guid.NewGuid():N}@example.com";
        var page = await console.NewPageAsync();
        await page.GotoAsync(await InviteAsync(tenant, email, "editor"));
        await page.GetByLabel("Your name").FillAsync("Grace Hopper");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");   // an editor needs no second factor

        await page.GotoAsync("/admin/templates");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Templates");
        var keys = await page.GotoAsync("/admin/api-keys");
        Assert.Equal(403, keys!.Status);
        Assert.Contains("Your role (editor) does not allow this", await page.InnerTextAsync("main"));

        // Disabled: the live session ends, and signing in is refused with the same words a wrong password gets.
        var id = (await tenant.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/api/v1/admin/members"))!
            .Single(m => m!["email"]!.GetValue<string>() == email)!["id"]!.GetValue<string>();
        Assert.True((await tenant.Http.PatchAsync($"/api/v1/admin/members/{id}", JsonContent.Create(new { status = "disabled" }))).IsSuccessStatusCode);
        await page.GotoAsync("/admin/templates");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/sign-in"));
        await page.GotoAsync($"/admin/sign-in?tenant={tenant.Id}");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync(MemberSignIn.Refusal);

        // An invitation past its 7 days says so.
        var late = await InviteAsync(tenant, $"late-{Guid.NewGuid():N}@example.com", "viewer");
        await console.ScalarAsync<int>("update member_links set expires_at = now() - interval '1 second' where tenant_id = $1 and used_at is null", tenant.Id);
        await page.GotoAsync(late);
        await Assertions.Expect(page.Locator("#invite-error")).ToContainTextAsync("has expired");
    }

    /// <summary>Invites through the admin API; returns the link's path (the browser's base address is the console's).</summary>
    private static async Task<string> InviteAsync(TestTenant tenant, string email, string role)
    {
        var created = await tenant.Http.PostJsonAsync("/api/v1/admin/members/invitations", new { email, role });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return new Uri((await created.JsonAsync())["inviteUrl"]!.GetValue<string>()).AbsolutePath;
    }
}
