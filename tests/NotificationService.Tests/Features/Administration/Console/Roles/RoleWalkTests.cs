using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Features.Administration.Console.Roles;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console.Roles;

/// <summary>
/// Every console page, opened by a member of each of the five roles, offers only what the role table lets that role
/// do: each form's action, each submit button's formaction and each link into the console maps to a row of
/// <see cref="RoleTable.Console"/> the role is allowed. A page the role may not open answers with a console page
/// (navigation included) that names the roles it needs, not a bare 403. The tenant has an object of every kind
/// (<see cref="RoleWalkSeed"/>): every detail page opens, and each list shows its rows' own buttons.
/// </summary>
[Collection("service")]
public partial class RoleWalkTests(ServiceFixture service)
{
    [Fact]
    public async Task No_console_page_shows_a_role_a_control_it_cannot_use()
    {
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var seed = await RoleWalkSeed.CreateAsync(service);
        var pages = seed.Pages(TablePages()).ToList();
        var unfilled = pages.Where(p => p.Contains('{')).ToList();
        Assert.True(unfilled.Count == 0, $"console pages the walk has no object for: {string.Join(", ", unfilled)}");
        var wrong = new List<string>();
        var controlsSeen = new Dictionary<string, int>();
        var offeredToOwner = new HashSet<string>();
        foreach (var role in MemberRoles.All)
        {
            var (_, session) = await TeamMembers.SignedInAsync(service.Factory.Services, seed.Tenant.Id, role);
            controlsSeen[role] = 0;
            foreach (var url in pages)
            {
                using var response = await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, url, session));
                var html = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Forbidden)
                {
                    if (!html.Contains("<nav") || !html.Contains("does not allow this") || !html.Contains("It needs the role"))
                        wrong.Add($"{role} GET {url}: a refusal without the console's navigation or the role it needs: {html[..Math.Min(200, html.Length)]}");
                    continue;
                }
                // Every page has its object: a 404 is a seed that missed one.
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} GET {url}: {(int)response.StatusCode}");
                foreach (var (method, target) in Controls(html, url))
                {
                    controlsSeen[role]++;
                    var key = ConsoleRoutes.KeyOf(method, target);
                    if (key is not null && role == MemberRoles.Owner) offeredToOwner.Add(key);
                    if (key is null && !RoleTable.Open.Any(o => target.StartsWith(o.Split('{')[0], StringComparison.Ordinal)) && method == "POST")
                        wrong.Add($"{role} on {url}: POST {target} has no row in RoleTable.Console");
                    else if (key is not null && !RoleTable.Allows(role, RoleTable.Console[key]))
                        wrong.Add($"{role} on {url}: shows {method} {target} ({key}), which needs {string.Join("/", ConsoleRoutes.RolesFor(key))}");
                }
            }
        }
        // Not blind: the owner was offered every form of the table somewhere, but those the seed cannot hold still.
        var neverOffered = RoleTable.Console.Keys.Where(k => k.StartsWith("POST ", StringComparison.Ordinal))
            .Except(offeredToOwner).Except(NoControlToWalk.Keys).ToList();
        Assert.True(neverOffered.Count == 0, $"the walk never saw, as an owner, a control for: {string.Join(", ", neverOffered)}");
        Assert.True(wrong.Count == 0, $"{wrong.Count} controls shown to roles that cannot use them:\n" + string.Join("\n", wrong.Distinct()));
    }

    /// <summary>Forms of the table the walk cannot see offered, and why.</summary>
    private static readonly Dictionary<string, string> NoControlToWalk = new()
    {
        ["POST /admin/templates/{id}?handler=preview"] = "the editor's script posts it as the draft changes: no form or button",
        ["POST /admin/workflows/edit?handler=stepproblems"] = "the canvas's script posts it as the definition changes: no form or button",
        ["POST /admin/topics?handler=cancel"] = "a fan-out's cancel shows while it runs, and the seed's finishes at once",
        ["POST /admin/bulk/{id}?handler=cancel"] = "a bulk job's cancel shows while it runs, and the seed's finishes at once",
    };

    /// <summary>Every GET row of the table that is a page (not a script's poll), ids still as placeholders.</summary>
    private static IEnumerable<string> TablePages() => RoleTable.Console.Keys
        .Where(k => k.StartsWith("GET ", StringComparison.Ordinal) && !k.Contains("?handler="))
        .Select(k => k[4..]);

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
