using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Console.Session;

namespace NotificationService.Tests.Features.Administration.Console.Answers;

/// <summary>
/// Signed out (no session, or one that ended): a person's browser is sent to the sign-in page with a return URL that is
/// the console path it asked for (the sign-in form takes a local console path only: ConsoleReturnUrlTests); a program
/// gets a 401 problem, on a console path as on the API.
/// </summary>
[Collection("console")]
public class SignedOutAnswerTests(ConsoleFixture console)
{
    private const string Ended = $"{ConsoleSessionAuthenticationHandler.CookieName}=a-session-that-ended";

    [Fact]
    public async Task A_program_without_a_session_gets_a_401_problem_not_a_redirect_to_a_page()
    {
        foreach (var cookie in new[] { null, Ended })
        {
            await AnswerChecks.AssertProblemAsync(await AnswerChecks.ProgramGetAsync(console.BaseAddress, "/admin/templates", cookie), 401);
            await AnswerChecks.AssertProblemAsync(await AnswerChecks.ProgramGetAsync(console.BaseAddress, "/admin", cookie), 401);
        }
        await AnswerChecks.AssertProblemAsync(await AnswerChecks.ProgramGetAsync(console.BaseAddress, "/api/v1/admin/templates"), 401);
    }

    [ChromiumFact]
    public async Task A_browser_without_a_session_lands_on_the_sign_in_page_that_returns_to_the_console_path_only()
    {
        var page = await console.NewPageAsync();
        await page.Context.AddCookiesAsync([new Cookie
        {
            Name = ConsoleSessionAuthenticationHandler.CookieName, Value = "a-session-that-ended",
            Url = console.BaseAddress.GetLeftPart(UriPartial.Authority), HttpOnly = true, SameSite = SameSiteAttribute.Strict,
        }]);
        var answer = await page.GotoAsync("/admin/templates?status=draft");
        Assert.Equal(200, answer!.Status);
        var signIn = "/admin/sign-in?returnUrl=%2Fadmin%2Ftemplates%3Fstatus%3Ddraft";
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(signIn) + "$"));
        await Assertions.Expect(page.Locator("input[name='returnUrl']").First).ToHaveValueAsync("/admin/templates?status=draft");
        await page.AssertAccessibleAsync();
    }
}
