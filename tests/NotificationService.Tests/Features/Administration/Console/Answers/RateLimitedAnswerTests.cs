using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Tests.Features.Administration.Members;

namespace NotificationService.Tests.Features.Administration.Console.Answers;

/// <summary>
/// Rate-limited: a hosted page over its tenant's end-user limit is a 429 page for a person and a 429 problem for a
/// program, both with Retry-After; the sign-in form over an account's failed sign-ins is a 429 page with Retry-After.
/// The tenants' limits are set to one request in a thousand seconds, so the second request is over it on any machine.
/// </summary>
[Collection("console")]
public class RateLimitedAnswerTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_program_over_a_hosted_pages_limit_gets_a_429_problem_with_retry_after()
    {
        var path = await PreferencesPageOfASpentTenantAsync();
        using var http = new HttpClient { BaseAddress = console.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);   // the one request the limit allows

        var refused = await AnswerChecks.ProgramGetAsync(console.BaseAddress, path);
        await AnswerChecks.AssertProblemAsync(refused, 429);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {refused.Headers.RetryAfter}");
    }

    [ChromiumFact]
    public async Task A_person_over_a_hosted_pages_limit_reads_a_429_page_that_says_how_long_to_wait()
    {
        var path = await PreferencesPageOfASpentTenantAsync();
        var page = await console.NewPageAsync();
        Assert.Equal(200, (await page.GotoAsync(path))!.Status);

        var refused = await page.GotoAsync(path);
        await AnswerChecks.AssertPageAsync(page, refused, 429, "rate-limited");
        var seconds = int.Parse(refused!.Headers["retry-after"]);
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync($"Wait {seconds} seconds, then try again.");
    }

    [ChromiumFact]
    public async Task A_person_over_the_sign_in_limit_reads_a_429_page_with_retry_after()
    {
        var tenant = await console.NewTenantAsync(null);
        var (member, _) = await TeamMembers.SignedInAsync(console.Factory.Services, tenant.Id, MemberRoles.Editor);
        var throttle = console.Factory.Services.GetRequiredService<SignInThrottle>();
        try
        {
            using var http = new ConsoleHttp(console.BaseAddress);
            for (var i = 0; i < SignInThrottle.MaxFailures; i++)
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized,
                    (await http.SignInWithPasswordAsync(tenant.Id, member.Email, "not the password", "/admin")).StatusCode);

            var page = await console.NewPageAsync();
            await page.GotoAsync($"/admin/sign-in?tenant={tenant.Id}");
            await page.Locator("#email").FillAsync(member.Email);
            await page.Locator("#password").FillAsync("not the password");
            var refused = await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync(),
                r => r.Request.Method == "POST");
            Assert.Equal(429, refused.Status);
            Assert.StartsWith("text/html", refused.Headers["content-type"]);
            var seconds = int.Parse(refused.Headers["retry-after"]);
            Assert.InRange(seconds, 1, (int)SignInThrottle.Window.TotalSeconds);
            await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("Too many failed sign-ins");
            await page.AssertAccessibleAsync();
        }
        finally { throttle.Clear(); }   // the console's other specs sign in from the same address
    }

    /// <summary>A new tenant whose end-user limit allows one request in a thousand seconds, and its preferences page.</summary>
    private async Task<string> PreferencesPageOfASpentTenantAsync()
    {
        var tenant = await console.NewTenantAsync(null);
        await console.RaiseLimitAsync(tenant.Id, EndpointClass.EndUser, perSecond: 0.001, burst: 1);
        var token = console.Factory.Services.GetRequiredService<PreferenceLinks>().Sign(new(tenant.Id, "ann", null, null));
        return $"/u/{token}/preferences";
    }
}
