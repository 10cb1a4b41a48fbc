using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// A provider setting that takes one of a few values is chosen from them: SMTP's `tls` was a free-text box, so a typo
/// ("starttsl", "TLS") was only found out at the first send.
/// </summary>
[Collection("console")]
public class ConsoleSmtpTlsTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Smtp_tls_is_chosen_from_its_allowed_values_starttls_first_and_the_choice_is_saved_and_shown_again()
    {
        var tenant = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/providers/edit?kind=smtp");

        var tls = page.Locator("#s-tls");
        Assert.Equal("select", await tls.EvaluateAsync<string>("e => e.tagName.toLowerCase()"));
        Assert.Equal(["starttls", "implicit", "none"], await tls.Locator("option").AllTextContentsAsync());
        await Assertions.Expect(tls).ToHaveValueAsync("starttls");   // the safe one unless another is chosen
        await page.AssertAccessibleAsync();

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("mail relay");
        await page.Locator("#s-host").FillAsync("93.184.215.14");   // a public address: the outbound guard refuses a name that does not resolve
        await page.Locator("#s-port").FillAsync("465");
        await page.Locator("#s-fromEmail").FillAsync("noreply@example.com");
        await tls.SelectOptionAsync("implicit");
        await page.RunAndWaitForNavigationAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync());
        var refused = await page.Locator("#provider-errors li").AllTextContentsAsync();
        Assert.True(refused.Count == 0, string.Join("; ", refused));
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Provider mail relay saved");

        var stored = (await tenant.Http.GetJsonAsync("/api/v1/admin/providers")).AsArray().Single(p => p!["name"]!.GetValue<string>() == "mail relay")!;
        Assert.Equal("implicit", stored["settings"]!["tls"]!.GetValue<string>());
        await page.GetByRole(AriaRole.Link, new() { Name = "mail relay", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#s-tls")).ToHaveValueAsync("implicit");
    }
}
