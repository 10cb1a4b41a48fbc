using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace NotificationService.Tests.Features.Administration.Console.Answers;

/// <summary>What the specs of people's pages and programs' problems ask and check.</summary>
public static class AnswerChecks
{
    /// <summary>A program's GET (no text/html asked for), with an optional console session cookie.</summary>
    public static async Task<HttpResponseMessage> ProgramGetAsync(Uri baseAddress, string path, string? cookie = null)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }

    /// <summary>The answer is a problem document of this status (not a page, not a redirect).</summary>
    public static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status && response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{response.RequestMessage?.RequestUri?.PathAndQuery}: expected a {status} problem, got {(int)response.StatusCode} "
            + $"{response.Content.Headers.ContentType} {response.Headers.Location} {body[..Math.Min(body.Length, 300)]}");
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        return problem;
    }

    /// <summary>A navigation answered with a console page of this status and kind, under its CSP, that axe passes.</summary>
    public static async Task AssertPageAsync(IPage page, IResponse? response, int status, string kind)
    {
        Assert.NotNull(response);
        Assert.True(response.Status == status, $"{response.Url}: expected {status}, got {response.Status} {await response.TextAsync()}");
        Assert.StartsWith("text/html", response.Headers["content-type"]);
        // The console's CSP, or on a hosted page its own, which allows no script at all.
        Assert.Contains(response.Url.Contains("/u/") ? "default-src 'none'" : "script-src 'self'", response.Headers["content-security-policy"]);
        await Assertions.Expect(page.Locator("#problem")).ToHaveAttributeAsync("data-kind", kind);
        await Assertions.Expect(page.Locator("link[href='/admin/console.css']")).ToHaveCountAsync(1);
        await page.AssertAccessibleAsync();
    }
}
