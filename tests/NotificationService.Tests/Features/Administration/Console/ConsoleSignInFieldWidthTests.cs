using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The sign-in form's fields line up: the email field is as wide as the team id and password beside it.</summary>
[Collection("console")]
public class ConsoleSignInFieldWidthTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task The_email_field_is_as_wide_as_the_team_id_and_password_fields()
    {
        var page = await console.NewPageAsync();
        await page.GotoAsync("/admin/sign-in");
        var form = page.Locator("#member-form");

        var widths = new Dictionary<string, float>();
        foreach (var label in new[] { "Team id", "Email", "Password" })
            widths[label] = (await form.GetByLabel(label, new() { Exact = true }).BoundingBoxAsync())!.Width;

        Assert.True(widths.Values.Distinct().Count() == 1, string.Join(", ", widths.Select(w => $"{w.Key} {w.Value}px")));
    }
}
