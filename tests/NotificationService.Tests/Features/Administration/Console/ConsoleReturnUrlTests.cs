using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The sign-in form's returnUrl: a local console path is honoured; anything else (a control character that made
/// LocalRedirect throw after the session was written, another host, a path outside /admin) signs in to the overview.
/// Every sign-in answers 302 and writes exactly one session.
/// </summary>
[Collection("console")]
public class ConsoleReturnUrlTests(ConsoleFixture console)
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData("/admin\t", "/admin")]                  // `/admin%09` in the query or the form: a 500 after the session row was written
    [InlineData("/admin/queues\n", "/admin")]
    [InlineData("//evil.example/admin", "/admin")]
    [InlineData("/\\evil.example", "/admin")]
    [InlineData("https://evil.example/admin", "/admin")]
    [InlineData("/adminx", "/admin")]
    [InlineData("/api/v1/admin/templates", "/admin")]
    [InlineData("/admin/queues?queue=email", "/admin/queues?queue=email")]
    [InlineData("/admin", "/admin")]
    public async Task A_bad_return_url_signs_in_to_the_overview_and_a_console_path_is_honoured(string returnUrl, string expected)
    {
        var tenant = await console.NewTenantAsync();
        var editor = await console.Factory.Services.GetRequiredService<MemberStore>().CreateAsync(tenant.Id, $"editor-{Guid.NewGuid():N}@example.com", "An editor", MemberRoles.Editor, default);
        await console.Factory.Services.GetRequiredService<MemberCredentials>().SetPasswordAsync(editor, Password, default);
        using var http = new ConsoleHttp(console.BaseAddress);
        using var response = await http.SignInWithPasswordAsync(tenant.Id, editor.Email, Password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
        Assert.Equal(1L, await console.ScalarAsync<long>("select count(*) from console_sessions where tenant_id = $1", tenant.Id));
        // The session works: the overview answers instead of sending the client back to sign in.
        using var overview = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin"));
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
    }
}
