using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The send form's template picker: it offers the tenant's templates of the step's channel, shows the variables the chosen
/// one reads, and choosing one writes its key into the step.
/// </summary>
[Collection("console")]
public class ConsoleWorkflowTemplatePickerTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Choosing_a_template_shows_its_variables_and_writes_its_key()
    {
        var other = await console.NewTenantAsync();
        await other.Http.CreateTemplateAsync(new { key = "not-yours", channel = "email", locale = "en", parts = new { subject = "S", text = "{{secret}}" } });
        var (_, page) = await console.OpenEscalationAsync();

        var pick = page.Locator("#step-mail-template-pick");
        await Assertions.Expect(page.Locator("#step-mail-template-pick-variables")).ToHaveTextAsync("Variables: orderId");
        // The email templates of this tenant only: no SMS or in-app template, none of another tenant's.
        Assert.Equal(["", "gold-thanks", "order-update-email"], await pick.Locator("option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));

        await pick.SelectOptionAsync("gold-thanks");
        await Assertions.Expect(page.Locator("#step-mail-template-pick-variables")).ToHaveTextAsync("Variables: recipient.name");
        await Assertions.Expect(page.Locator("#step-mail-template")).ToHaveValueAsync("gold-thanks");
        Assert.Contains("\"template\": \"gold-thanks\"", await page.JsonAsync());
        Assert.Equal(["", "order-update-sms"], await page.Locator("#step-text-template-pick option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
    }
}
