using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.People.Preferences;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console.Answers;

/// <summary>
/// Not found: an unknown console path, a console page of an object that does not exist or is another team's, and a
/// hosted page of a link that does not verify are a 404 page for a person (one page for "missing" and "another team's":
/// nothing tells what exists) and a 404 problem for a program.
/// </summary>
[Collection("console")]
public class NotFoundAnswerTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_program_gets_a_404_problem_for_a_missing_or_another_teams_page()
    {
        var (tenant, _) = await TenantsWithATopicOfTheOtherAsync();
        var (_, session) = await TeamMembers.SignedInAsync(console.Factory.Services, tenant.Id, MemberRoles.Admin);
        var cookie = $"ns_console={session}";
        foreach (var path in new[] { "/admin/no-such-page", "/admin/topics?key=no-such-topic", "/admin/topics?key=theirs" })
            await AnswerChecks.AssertProblemAsync(await AnswerChecks.ProgramGetAsync(console.BaseAddress, path, cookie), 404);
        await AnswerChecks.AssertProblemAsync(await AnswerChecks.ProgramGetAsync(console.BaseAddress, "/u/not-a-token/preferences"), 404);
        await AnswerChecks.AssertProblemAsync(await tenant.Http.GetAsync(TopicsApi.Of("theirs")), 404);
    }

    [ChromiumFact]
    public async Task A_person_gets_one_not_found_page_for_a_missing_page_a_missing_object_and_another_teams_object()
    {
        var (tenant, _) = await TenantsWithATopicOfTheOtherAsync();
        var page = await MemberClients.PageAsync(console, tenant.Id, MemberRoles.Admin);

        await AnswerChecks.AssertPageAsync(page, await page.GotoAsync("/admin/no-such-page"), 404, "not-found");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page not found");
        await Assertions.Expect(page.Locator("nav[aria-label='Console']")).ToBeVisibleAsync();   // a signed-in member keeps the menu

        await AnswerChecks.AssertPageAsync(page, await page.GotoAsync("/admin/topics?key=no-such-topic"), 404, "not-found");
        var missing = await page.Locator("main").InnerTextAsync();
        await AnswerChecks.AssertPageAsync(page, await page.GotoAsync("/admin/topics?key=theirs"), 404, "not-found");
        Assert.Equal(missing, await page.Locator("main").InnerTextAsync());

        var recipient = await console.NewPageAsync();
        var token = console.Factory.Services.GetRequiredService<PreferenceLinks>().Sign(new(tenant.Id, "ann", null, null));
        await AnswerChecks.AssertPageAsync(recipient, await recipient.GotoAsync($"/u/{token}x/preferences"), 404, "not-found");
        await Assertions.Expect(recipient.Locator("h1")).ToHaveTextAsync("Link not valid");
        await Assertions.Expect(recipient.Locator("a[href^='/admin']")).ToHaveCountAsync(0);   // a recipient has no console
    }

    private async Task<(TestTenant Tenant, TestTenant Other)> TenantsWithATopicOfTheOtherAsync()
    {
        var tenant = await console.NewTenantAsync(null);
        var other = await console.NewTenantAsync(null);
        await other.Http.TopicWithAsync("theirs", "ann");
        return (tenant, other);
    }
}
