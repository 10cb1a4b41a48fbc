using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Features.Administration.Console.Roles;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console.Roles;

/// <summary>
/// Every console page, opened by a member of each of the five roles, offers only what the role table lets that role
/// do: each form's action, each submit button's formaction and each link into the console maps to a row of
/// <see cref="RoleTable.Console"/> the role is allowed. A page the role may not open answers with a console page
/// (navigation included) that names the roles it needs, not a bare 403.
/// </summary>
[Collection("service")]
public partial class RoleWalkTests(ServiceFixture service)
{
    [Fact]
    public async Task No_console_page_shows_a_role_a_control_it_cannot_use()
    {
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var wrong = new List<string>();
        var controlsSeen = new Dictionary<string, int>();
        foreach (var role in MemberRoles.All)
        {
            var tenant = await service.NewTenantAsync();
            var template = await tenant.Http.CreateTemplateAsync(new { key = "walk", channel = "email", locale = "en", parts = new { subject = "Hi", text = "Hello" } });
            var (_, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, role);
            controlsSeen[role] = 0;
            foreach (var url in Pages(template["id"]!.GetValue<string>()))
            {
                using var response = await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, url, session));
                var html = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Forbidden)
                {
                    if (!html.Contains("<nav") || !html.Contains("does not allow this") || !html.Contains("It needs the role"))
                        wrong.Add($"{role} GET {url}: a refusal without the console's navigation or the role it needs: {html[..Math.Min(200, html.Length)]}");
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.NotFound) continue;   // a page for one object the tenant does not have
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} GET {url}: {(int)response.StatusCode}");
                foreach (var (method, target) in Controls(html, url))
                {
                    controlsSeen[role]++;
                    var key = ConsoleRoutes.KeyOf(method, target);
                    if (key is null && !RoleTable.Open.Any(o => target.StartsWith(o.Split('{')[0], StringComparison.Ordinal)) && method == "POST")
                        wrong.Add($"{role} on {url}: POST {target} has no row in RoleTable.Console");
                    else if (key is not null && !RoleTable.Allows(role, RoleTable.Console[key]))
                        wrong.Add($"{role} on {url}: shows {method} {target} ({key}), which needs {string.Join("/", ConsoleRoutes.RolesFor(key))}");
                }
            }
        }
        Assert.True(controlsSeen[MemberRoles.Owner] > 40, $"the walk saw only {controlsSeen[MemberRoles.Owner]} controls as an owner: it is blind");
        Assert.True(wrong.Count == 0, $"{wrong.Count} controls shown to roles that cannot use them:\n" + string.Join("\n", wrong.Distinct()));
    }

    /// <summary>Every GET row of the table that is a page (not a script's poll), with real ids where the page needs one.</summary>
    private static IEnumerable<string> Pages(string templateId) => RoleTable.Console.Keys
        .Where(k => k.StartsWith("GET ", StringComparison.Ordinal) && !k.Contains("?handler="))
        .Select(k => k[4..].Replace("/admin/templates/{id}", $"/admin/templates/{templateId}").Replace("{kind}", "partials"))
        .Where(u => !u.Contains('{'))
        .Append("/admin/layouts");

    /// <summary>(method, URL) of each post form, each submit button with its own action, and each link into the console.</summary>
    private static IEnumerable<(string Method, string Url)> Controls(string html, string page)
    {
        foreach (Match form in Form().Matches(html))
        {
            var tag = form.Groups[1].Value;
            var action = Attribute(tag, "action");
            var method = Attribute(tag, "method")?.ToUpperInvariant() ?? "GET";
            // A form whose buttons carry their own actions (save, publish) posts only through them: they are judged below.
            // One with nothing left to press (a viewer's template source) offers nothing.
            var submitsThroughButtons = string.IsNullOrEmpty(action) && form.Groups[2].Value.Contains("formaction=");
            var nothingToPress = !form.Groups[2].Value.Contains("<button") && !form.Groups[2].Value.Contains("type=\"submit\"");
            if (method == "POST" && !submitsThroughButtons && !nothingToPress) yield return ("POST", string.IsNullOrEmpty(action) ? page : action);
        }
        foreach (Match button in FormAction().Matches(html)) yield return ("POST", WebUtility.HtmlDecode(button.Groups[1].Value));
        foreach (Match link in Link().Matches(html)) yield return ("GET", WebUtility.HtmlDecode(link.Groups[1].Value));
    }

    private static string? Attribute(string tag, string name)
    {
        var m = Regex.Match(tag, $@"\b{name}=""([^""]*)""");
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    [GeneratedRegex(@"(<form\b[^>]*>)(.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex(@"<button\b[^>]*\bformaction=""([^""]+)""")]
    private static partial Regex FormAction();

    [GeneratedRegex(@"<a\b[^>]*\bhref=""(/admin[^""#]*)""")]
    private static partial Regex Link();
}
