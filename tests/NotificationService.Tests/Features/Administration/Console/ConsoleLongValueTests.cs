using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Pages;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// Pages never render unbounded values: a notification's stored content and rendered parts, and a dry run's rendered
/// rows, are cut with a visible marker (the API still gives all of it). A 52 MB console page was one finding.
/// </summary>
[Collection("console")]
public class ConsoleLongValueTests(ConsoleFixture console)
{
    private async Task<string> PageAsync(TestTenant tenant, string path)
    {
        var (_, token) = await TeamMembers.SignedInAsync(console.Factory.Services, tenant.Id, MemberRoles.Owner);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = console.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{ConsoleSessionAuthenticationHandler.CookieName}={token}");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_notifications_page_cuts_its_long_content_and_rendered_parts_with_a_marker()
    {
        var tenant = await console.NewTenantAsync();
        var body = string.Concat(Enumerable.Repeat("0123456789", 20_000));   // 200,000 characters, sent and rendered as they are
        var id = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "ada@example.com" }, content = new { subject = "Long", body } });
        await console.Ledger.WaitForAsync(id, "sent");

        var page = await PageAsync(tenant, $"/admin/notifications/{id}");

        Assert.Contains($"[cut here: {body.Length - Shown.MaxChars:N0} more characters not shown]", page);
        Assert.True(page.Length < body.Length, $"the page is {page.Length:N0} characters for a {body.Length:N0}-character body");
    }

    [Fact]
    public async Task A_dry_runs_page_cuts_a_long_rendered_part_with_a_marker()
    {
        var tenant = await console.NewTenantAsync();
        await using (var cmd = console.Db.CreateCommand("""
            with t as (insert into templates (id, tenant_id, key, channel, locale, published_version_id) values (gen_random_uuid(), $1, 'long', 'email', 'en', $2) returning id)
            insert into template_versions (id, template_id, tenant_id, version, parts)
            select $2, id, $1, 1, '{"subject": "Hi", "text": "{{a}} {{a}}"}' from t
            """))
        {
            cmd.Parameters.AddWithValue(tenant.Id);
            cmd.Parameters.AddWithValue(Guid.NewGuid());
            await cmd.ExecuteNonQueryAsync();
        }
        var cell = new string('y', 60 * 1024);   // under the cell limit; the part renders it twice
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8($"email,a\nada@example.com,{cell}\n"), template: "long", dryRun: true);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>());
        Assert.Equal("completed", (await BulkCsv.WaitFinishedAsync(tenant.Http, jobId))["status"]!.GetValue<string>());

        var page = await PageAsync(tenant, $"/admin/bulk/{jobId}");

        Assert.Contains($"[cut here: {2 * cell.Length + 1 - Shown.MaxChars:N0} more characters not shown]", page);
        Assert.True(page.Length < 2 * cell.Length, $"the page is {page.Length:N0} characters for a {2 * cell.Length + 1:N0}-character part");
    }

    [Theory]
    [InlineData(10, 10, "0123456789")]
    [InlineData(11, 10, "0123456789 … [cut here: 1 more characters not shown]")]
    public void Shown_cuts_after_the_limit_and_says_how_much_it_left_out(int length, int max, string expected) =>
        Assert.Equal(expected, Shown.Clip(string.Concat(Enumerable.Range(0, length).Select(i => (char)('0' + i % 10))), max));

    [Fact]
    public void Shown_never_splits_a_surrogate_pair() =>
        Assert.Equal("ab … [cut here: 3 more characters not shown]", Shown.Clip("ab😀cd"[..5], 3));
}
