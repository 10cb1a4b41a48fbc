using System.Net;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console.Answers;

/// <summary>
/// Every console page of one object (a notification, a bulk job, a template, a workflow, a run, a provider) answers a browser
/// with the console's not-found page when the object is missing, malformed or another team's: 404, HTML, the same words for
/// each, so nothing tells what exists. A program asking for JSON still gets the problem document.
/// </summary>
[Collection("console")]
public class MissingObjectPageTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_browser_gets_the_not_found_page_for_a_missing_or_another_teams_object_on_every_object_page()
    {
        var tenant = await console.NewTenantAsync("{}", "email");
        var other = await console.NewTenantAsync("{}", "email");
        var theirs = await other.Http.SendOkAsync(Api.Email("grace@example.com"));
        var (_, session) = await TeamMembers.SignedInAsync(console.Factory.Services, tenant.Id, MemberRoles.Admin);
        var cookie = $"ns_console={session}";
        var nobody = Guid.NewGuid();

        var texts = new List<string>();
        foreach (var path in new[]
                 {
                     $"/admin/notifications/{theirs}", $"/admin/notifications/{nobody}", "/admin/notifications/not-a-guid",
                     "/admin/workflows/edit?key=nope", $"/admin/workflows/runs/{nobody}", "/admin/bulk/not-a-guid", $"/admin/bulk/{nobody}",
                     $"/admin/templates/{nobody}", $"/admin/providers/edit?id={nobody}", "/admin/providers/edit?kind=nope",
                     "/admin/partials?name=nope",
                 })
        {
            var response = await BrowserGetAsync(console.BaseAddress, path, cookie);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound && response.Content.Headers.ContentType?.MediaType == "text/html",
                $"{path}: expected the 404 page, got {(int)response.StatusCode} {response.Content.Headers.ContentType} {body[..Math.Min(body.Length, 300)]}");
            Assert.Contains("data-kind=\"not-found\"", body);
            texts.Add(ProblemSection(body));
        }
        Assert.Single(texts.Distinct());   // another team's notification reads as a missing one

        await AnswerChecks.AssertProblemAsync(await AnswerChecks.ProgramGetAsync(console.BaseAddress, $"/admin/notifications/{theirs}", cookie), 404);
    }

    /// <summary>A browser's navigation: it asks for HTML first.</summary>
    private static async Task<HttpResponseMessage> BrowserGetAsync(Uri baseAddress, string path, string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }

    private static string ProblemSection(string html) => html[html.IndexOf("<section class=\"card narrow\" id=\"problem\"", StringComparison.Ordinal)..]
        .Split("</section>")[0];
}
