using NotificationService.Features.Operations.Seed;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using NotificationService.Features.People.InboxSdk;
using NotificationService.Tests.Architecture;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.People.InboxSdk;

/// <summary>
/// `/sdk/v1/inbox.js` is one ES module served with a year's immutable cache and CORS for any page; its SRI value
/// (`/sdk/v1/inbox.js.sri`) is the SHA-384 of the bytes served and the one the README and docs/end-users.md publish; it stays within 30 KB
/// gzipped and imports nothing. The demo page follows the seed unless an operator says otherwise.
/// </summary>
[Collection("service")]
public class SdkServingTests(ServiceFixture service)
{
    public const int MaxGzippedBytes = 30 * 1024;

    [Fact]
    public async Task The_module_is_served_immutable_to_any_origin_and_its_integrity_is_the_one_the_readme_publishes()
    {
        var http = service.Factory.CreateClient();
        var response = await http.GetAsync(SdkEndpoints.InboxPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var integrity = "sha384-" + Convert.ToBase64String(SHA384.HashData(bytes));

        Assert.Equal(integrity, (await http.GetStringAsync(SdkEndpoints.InboxPath + ".sri")).Trim());
        var readme = await File.ReadAllTextAsync(Path.Combine(SourceModel.RepoRoot(), "README.md"))
            + await File.ReadAllTextAsync(Path.Combine(SourceModel.RepoRoot(), "docs", "end-users.md"));
        var published = Regex.Matches(readme, @"integrity=""(sha384-[A-Za-z0-9+/=]+)""").Select(m => m.Groups[1].Value).ToList();
        Assert.True(published.Count >= 2, "the README and docs/end-users.md each publish the integrity value");
        Assert.All(published, p => Assert.Equal(integrity, p));

        var again = new HttpRequestMessage(HttpMethod.Get, SdkEndpoints.InboxPath);
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task The_module_is_at_most_30_KB_gzipped_and_has_no_imports()
    {
        var bytes = await service.Factory.CreateClient().GetByteArrayAsync(SdkEndpoints.InboxPath);
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) await gzip.WriteAsync(bytes);
        Assert.True(compressed.Length <= MaxGzippedBytes, $"inbox.js is {compressed.Length} bytes gzipped, more than {MaxGzippedBytes}");
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.DoesNotMatch(@"(?m)^\s*import\s|import\(", text);   // no dependencies, no build step
        Assert.Contains("customElements.define('notification-inbox'", text);
    }

    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData(null, null, "true", true)]          // the embedded default seeds the demo tenant
    [InlineData(null, "true", null, true)]
    [InlineData(null, "false", "true", false)]
    [InlineData("true", "false", null, true)]       // an operator turns it on
    [InlineData("false", "true", "true", false)]    // or off
    public void The_demo_page_follows_the_seed_unless_an_operator_decides(string? demo, string? seed, string? embedded, bool enabled)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sdk:Demo"] = demo, ["Seed:OnStart"] = seed, ["Postgres:Embedded"] = embedded,
        }).Build();
        Assert.Equal(enabled, SdkDemo.Enabled(config));
    }

    [Fact]
    public async Task The_demo_page_has_a_strict_csp_and_mints_a_token_for_the_demo_user()
    {
        var http = service.Factory.CreateClient();
        var page = await http.GetAsync("/sdk/demo");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotMatch("<script>|<style|style=", await page.Content.ReadAsStringAsync());
        var token = (await (await http.PostAsync("/sdk/demo/token", null)).JsonAsync())["token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await service.BearerClient(token).GetAsync(EndUsers.Inbox + "/unread-count")).StatusCode);
    }

    [Fact]
    public async Task The_demo_pages_send_shows_the_typed_title_as_text_never_running_it_as_a_template()
    {
        // The page needs no credential: a title compiled as a template would let anyone who reaches it run one.
        const string typed = "Costs {{at}} & {{{at}}} {{#each at}}x{{/each}}";
        var http = service.Factory.CreateClient();
        var sent = await http.PostAsJsonAsync("/sdk/demo/send", new { title = typed });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var id = Guid.Parse((await sent.JsonAsync())["id"]!.GetValue<string>());
        await service.Ledger.WaitForAsync(id, "sent");

        var token = (await (await http.PostAsync("/sdk/demo/token", null)).JsonAsync())["token"]!.GetValue<string>();
        var item = (await service.BearerClient(token).GetFromJsonAsync<JsonNode>($"{EndUsers.Inbox}/{id}"))!;
        Assert.Equal(typed, item["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_origin_check_tells_any_page_whether_the_tenant_lists_its_origin_and_names_a_bad_tenant()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.PutJsonAsync("/api/v1/admin/web-origins", new { origins = new[] { "https://app.example.com" } });
        var http = service.Factory.CreateClient();
        async Task<HttpResponseMessage> CheckAsync(string tenantId, string? origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/sdk/v1/origin-check?tenant={tenantId}");
            if (origin is not null) request.Headers.Add("Origin", origin);
            var response = await http.SendAsync(request);
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());   // readable by the page, answers and 400s alike
            return response;
        }

        var listed = await (await CheckAsync(tenant.Id.ToString(), "https://app.example.com")).JsonAsync();
        Assert.True(listed["listed"]!.GetValue<bool>());
        var other = await CheckAsync(tenant.Id.ToString(), "https://elsewhere.example.com");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.False((await other.JsonAsync())["listed"]!.GetValue<bool>());
        Assert.False((await (await CheckAsync(Guid.NewGuid().ToString(), "https://app.example.com")).JsonAsync())["listed"]!.GetValue<bool>());

        var badTenant = await CheckAsync("not-a-tenant", "https://app.example.com");
        Assert.Equal(HttpStatusCode.BadRequest, badTenant.StatusCode);
        Assert.NotNull((await badTenant.JsonAsync())["errors"]!["tenant"]);
        var noOrigin = await CheckAsync(tenant.Id.ToString(), null);
        Assert.Equal(HttpStatusCode.BadRequest, noOrigin.StatusCode);
        Assert.NotNull((await noOrigin.JsonAsync())["errors"]!["Origin"]);
    }
}
