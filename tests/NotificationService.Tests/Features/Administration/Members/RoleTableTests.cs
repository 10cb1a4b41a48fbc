using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Architecture;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// One role × operation table decides every console page and form: each handler of each page has a row (a new form
/// without one fails here), every row is a real handler, the docs carry the same table, and a member of each role is
/// let through or refused exactly as the table says, page by page and form by form.
/// </summary>
[Collection("service")]
public class RoleTableTests(ServiceFixture service)
{
    private const string Refusal = "does not allow this";

    [Fact]
    public async Task Every_console_handler_has_a_row_and_every_row_is_a_handler()
    {
        var handlers = await ConsoleHandlersAsync();
        Assert.Contains("POST /admin/templates/{id}?handler=publish", handlers);   // the walk sees real handlers, so it is not blind
        var missing = handlers.Where(h => !RoleTable.Console.ContainsKey(h)).ToList();
        Assert.True(missing.Count == 0, "console handlers without a row in RoleTable.Console:\n" + string.Join("\n", missing));
        var stale = RoleTable.Console.Keys.Where(k => !handlers.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "rows of RoleTable.Console without a handler:\n" + string.Join("\n", stale));
    }

    [Fact]
    public async Task Each_role_is_let_through_or_refused_on_every_console_handler_as_the_table_says()
    {
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var wrong = new List<string>();
        foreach (var role in MemberRoles.All)
        {
            var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
            var (_, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, role);
            var (token, antiforgery) = await TeamMembers.AntiforgeryAsync(browser, "/admin/account", session);
            foreach (var (operation, area) in RoleTable.Console)
            {
                var (method, url) = Concrete(operation);
                var request = TeamMembers.Request(method, url, session, antiforgery,
                    method == HttpMethod.Post ? new FormUrlEncodedContent([KeyValuePair.Create("__csrf", token)]) : null);
                using var response = await browser.SendAsync(request);
                var refused = response.StatusCode == HttpStatusCode.Forbidden && (await response.Content.ReadAsStringAsync()).Contains(Refusal);
                if (refused == RoleTable.Allows(role, area))
                    wrong.Add($"{role} {operation}: {(int)response.StatusCode}, expected {(RoleTable.Allows(role, area) ? "allowed" : "refused")}");
            }
        }
        Assert.True(wrong.Count == 0, "the console disagrees with RoleTable:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void The_docs_carry_the_same_role_table()
    {
        var doc = File.ReadAllLines(Path.Combine(SourceModel.RepoRoot(), "docs", "console.md"));
        foreach (var (area, roles) in RoleTable.Roles)
        {
            var row = doc.SingleOrDefault(l => l.StartsWith($"| {area.ToString().ToLowerInvariant()} |", StringComparison.Ordinal));
            Assert.True(row is not null, $"docs/console.md has no row for the area {area}");
            var cells = row!.Split('|', StringSplitOptions.TrimEntries)[2..^1];
            var documented = MemberRoles.All.Where((_, i) => cells[i] == "yes").ToArray();
            Assert.Equal(roles.Order(), documented.Order());
        }
    }

    [Fact]
    public void Every_sign_in_method_says_whom_it_may_sign_in_and_single_sign_on_never_reaches_above_who_set_it_up()
    {
        var methods = typeof(NotificationService.Features.Administration.Console.Session.MemberSessions)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Contains("sso", methods);   // the walk sees the methods, so it is not blind
        var missing = methods.Where(m => !RoleTable.SignInMethods.ContainsKey(m)).ToList();
        Assert.True(missing.Count == 0, "sign-in methods without a row in RoleTable.SignInMethods: " + string.Join(", ", missing));
        Assert.Equal(methods.Order(), RoleTable.SignInMethods.Keys.Order());

        foreach (var setter in MemberRoles.All)
            foreach (var member in MemberRoles.All)
                Assert.Equal(Array.IndexOf(MemberRoles.All, member) >= Array.IndexOf(MemberRoles.All, setter), RoleTable.SsoReaches(setter, member));
        Assert.False(RoleTable.SsoReaches("someone", MemberRoles.Viewer));   // an unknown setter reaches nobody
        Assert.Equal([MemberRoles.Owner, MemberRoles.Admin], RoleTable.Roles[RoleTable.Area.SignInPolicy]);
        Assert.Equal(RoleTable.Area.SignInPolicy, RoleTable.Api["PUT /api/v1/admin/sso"]);
    }

    /// <summary>`POST /admin/templates/{id}?handler=publish` → the method and a URL with a fresh id.</summary>
    private static (HttpMethod, string) Concrete(string operation)
    {
        var space = operation.IndexOf(' ');
        var url = operation[(space + 1)..].Replace("{id}", Guid.NewGuid().ToString()).Replace("{kind}", "partials");
        return (new HttpMethod(operation[..space]), url);
    }

    private async Task<HashSet<string>> ConsoleHandlersAsync()
    {
        var descriptors = service.Factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<PageActionDescriptor>();
        var loader = service.Factory.Services.GetRequiredService<PageLoader>();
        var keys = new HashSet<string>();
        foreach (var page in descriptors)
        {
            var route = RoleCheck.RouteOf(page);
            if (RoleTable.Open.Contains(route)) continue;
            var compiled = await loader.LoadAsync(page, EndpointMetadataCollection.Empty);
            foreach (var handler in compiled.HandlerMethods)
                keys.Add(RoleCheck.KeyOf(handler.HttpMethod, route, handler.Name));
        }
        return keys;
    }
}
