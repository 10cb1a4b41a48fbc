using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Tests.Architecture;
using NotificationService.Tests.Features.Tenancy.Auth;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// The role table covers the admin API: every admin operation of the API document has a row (a new operation without
/// one fails here), docs/console.md lists each with its area, and a member of each role calling with their token is let
/// through or refused exactly as the table says. The console's pages and forms are walked the same way by RoleTableTests.
/// </summary>
[Collection("service")]
public partial class AdminApiRoleMatrixTests(ServiceFixture service)
{
    private async Task<List<(string Key, JsonNode Operation)>> AdminOperationsAsync()
    {
        var doc = JsonNode.Parse(await service.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        return doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => (Key: ScopeTable.KeyOf(m.Key, p.Key), Operation: m.Value!)))
            .Where(o => o.Key.Contains(" /api/v1/admin/", StringComparison.Ordinal))
            .ToList();
    }

    [Fact]
    public async Task Every_admin_operation_of_the_API_document_has_a_row_and_every_row_is_an_operation()
    {
        var operations = (await AdminOperationsAsync()).Select(o => o.Key).ToHashSet();
        Assert.Contains("POST /api/v1/admin/templates/{id}/publish", operations);   // the walk sees real operations, so it is not blind
        var missing = operations.Where(o => !RoleTable.Api.ContainsKey(o)).Order().ToList();
        Assert.True(missing.Count == 0, "admin operations without a row in RoleTable.Api:\n" + string.Join("\n", missing));
        var stale = RoleTable.Api.Keys.Where(k => !operations.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "rows of RoleTable.Api for no operation:\n" + string.Join("\n", stale));
    }

    [Fact]
    public void The_docs_list_every_admin_operation_with_its_area()
    {
        var documented = File.ReadAllLines(Path.Combine(SourceModel.RepoRoot(), "docs", "console.md"))
            .Select(l => DocRow().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var expected = RoleTable.Api.ToDictionary(r => r.Key, r => r.Value.ToString().ToLowerInvariant());
        var differing = expected.Where(r => !documented.TryGetValue(r.Key, out var area) || area != r.Value).Select(r => $"{r.Key}: {r.Value}")
            .Concat(documented.Keys.Except(expected.Keys).Select(k => $"{k}: documented, not in RoleTable.Api")).ToList();
        Assert.True(differing.Count == 0, "docs/console.md and RoleTable.Api differ:\n" + string.Join("\n", differing));
    }

    [Fact]
    public async Task Each_role_is_let_through_or_refused_on_every_admin_operation_as_the_table_says()
    {
        var operations = await AdminOperationsAsync();
        var wrong = new List<string>();
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);   // one team, a member of each role
        foreach (var c in EndpointClasses.All) await service.RaiseLimitAsync(tenant.Id, c, 100_000, 100_000);   // a 429 would hide a 403
        foreach (var role in MemberRoles.All)
        {
            using var http = service.Factory.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(tenant.Id, role));
            foreach (var (key, operation) in operations)
            {
                if (!RoleTable.Api.TryGetValue(key, out var area)) continue;   // the spec above names it
                using var response = await http.SendAsync(ScopeMatrixTests.RequestFor(key, operation));
                var body = await response.Content.ReadAsStringAsync();
                var refused = response.StatusCode == HttpStatusCode.Forbidden && body.Contains($"Your role ({role}) does not allow this operation");
                var allowed = RoleTable.Allows(role, area);
                if (allowed ? response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden : !refused)
                    wrong.Add($"{role} {key}: {(int)response.StatusCode}, expected {(allowed ? "allowed" : "refused")} ({area})");
            }
        }
        Assert.True(wrong.Count == 0, "the admin API disagrees with RoleTable.Api:\n" + string.Join("\n", wrong));
    }

    /// <summary>An active member of <paramref name="role"/> and a token made for them, as their account page makes it.</summary>
    private async Task<string> TokenAsync(Guid tenantId, string role)
    {
        var member = await service.Factory.Services.GetRequiredService<MemberStore>()
            .CreateAsync(tenantId, $"{role}-{Guid.NewGuid():N}@example.com", $"A {role}", role, default);
        var (token, _) = await service.Factory.Services.GetRequiredService<MemberApiTokens>()
            .CreateAsync(MemberSessions.PrincipalOf(member, MemberSessions.Password), default);
        return token;
    }

    [GeneratedRegex(@"^\| `(\w+ /api/v1/admin/[^`]+)` \| (\w+) \|$")]
    private static partial Regex DocRow();
}
