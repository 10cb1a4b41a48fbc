using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Suspension;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Platform;

namespace NotificationService.Tests.Features.Tenancy.Suspension;

/// <summary>
/// People get pages, programs get problems: a member's browser on the console of a suspended tenant gets an HTML page
/// saying so, while the same session's script and the tenant's key keep the problem document; a deleted tenant's
/// refusal names the deletion in its type, not the suspension.
/// </summary>
[Collection("platform")]
public class SuspensionAnswerTests(PlatformFixture service)
{
    [Fact]
    public async Task A_browser_on_a_suspended_tenants_console_gets_a_page_and_a_script_the_problem()
    {
        var tenant = await service.NewTenantAsync();
        var (_, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, MemberRoles.Admin);
        var console = service.Factory.CreateClient(new() { AllowAutoRedirect = false });
        console.DefaultRequestHeaders.Add("Cookie", $"{ConsoleSessionAuthenticationHandler.CookieName}={session}");
        Assert.Equal(HttpStatusCode.OK, (await console.GetAsync("/admin/api-keys")).StatusCode);
        var suspend = await service.Platform().PostAsync($"/api/v1/platform/tenants/{tenant.Id}/suspend", null);
        Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);

        var page = await console.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin/api-keys")
            { Headers = { { "Accept", "text/html,application/xhtml+xml,*/*;q=0.8" } } });
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.Content.Headers.ContentType?.MediaType == "text/html",
            $"a browser got {page.Content.Headers.ContentType}: {html}");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("id=\"problem\" data-kind=\"tenant-suspended\"", html);   // the console's page, in its layout and CSP
        Assert.Contains("account is suspended</h1>", html);
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        var script = await console.GetAsync("/admin/api-keys");   // no text/html asked for: a program
        Assert.Equal("application/problem+json", script.Content.Headers.ContentType?.MediaType);
        var api = await tenant.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/api-keys")
            { Headers = { { "Accept", "text/html" } } });   // the API is for programs whatever they ask for
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Contains(SuspensionAnswer.SuspendedType, await api.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_deleted_tenants_refusal_is_a_tenant_deleted_problem_for_a_program_and_a_page_for_a_person()
    {
        var program = await RefuseAsync(TenantState.Gone, "/admin/notifications", accept: "application/json");
        Assert.Equal(StatusCodes.Status401Unauthorized, program.StatusCode);
        var problem = JsonNode.Parse(program.Body)!;
        Assert.Equal(SuspensionAnswer.DeletedType, problem["type"]!.GetValue<string>());
        Assert.Equal("deleted", problem["tenantStatus"]!.GetValue<string>());

        var person = await RefuseAsync(TenantState.Gone, "/admin/notifications", accept: "text/html");
        Assert.StartsWith("text/html", person.ContentType);
        Assert.Contains("<h1>This team no longer exists</h1>", person.Body);
        Assert.Contains("data-kind=\"tenant-deleted\"", person.Body);
    }

    /// <summary>The refusal as the service writes it (its problem and page writers), for a state no live session can reach.</summary>
    private async Task<(int StatusCode, string? ContentType, string Body)> RefuseAsync(TenantState state, string path, string accept)
    {
        await using var scope = service.Factory.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { Request = { Path = path, Headers = { Accept = accept } }, RequestServices = scope.ServiceProvider };
        using var body = new MemoryStream();
        http.Response.Body = body;
        await SuspensionAnswer.WriteAsync(http, state);
        return (http.Response.StatusCode, http.Response.ContentType, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
