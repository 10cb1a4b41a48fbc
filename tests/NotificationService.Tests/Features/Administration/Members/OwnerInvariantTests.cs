using System.Net;
using System.Net.Http.Json;
using Npgsql;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// A team that has an active owner keeps one, whoever changes what at the same moment: owners demoting, disabling or
/// removing each other or themselves. The database refuses any commit that takes the last active owner away, so a path
/// added later cannot leave a team without one (invitations: <see cref="OwnerInvitationTests"/>).
/// </summary>
[Collection("service")]
public class OwnerInvariantTests(ServiceFixture service, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Members = "/api/v1/admin/members";
    private const int Rounds = 100;
    private static readonly HttpStatusCode[] Refusals =
        [HttpStatusCode.Conflict, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound];

    [Fact]
    public async Task Two_owners_demoting_disabling_or_removing_each_other_or_themselves_at_once_leave_one_owner_in_every_round()
    {
        var orphaned = new List<string>();
        var outcomes = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
            var (a, aApi) = await TeamMembers.WithTokenAsync(service, tenant.Id, "owner");
            var (b, bApi) = await TeamMembers.WithTokenAsync(service, tenant.Id, "owner");
            var kind = (round % 4) switch { 0 => "demote", 1 => "disable", 2 => "remove", _ => "leave" };
            var answers = await AtOnceAsync(Act(aApi, kind, kind == "leave" ? a : b), Act(bApi, kind, kind == "leave" ? b : a));

            Assert.DoesNotContain(answers, s => (int)s >= 500);
            Assert.All(answers, s => Assert.True((int)s < 300 || Refusals.Contains(s), $"{kind}: {s}"));
            var owners = await ActiveOwnersAsync(tenant.Id);
            outcomes.Add($"{kind}: {string.Join(" + ", answers.Order())}");
            if (owners == 0) orphaned.Add($"round {round} ({kind}): {string.Join(", ", answers)}");
            else Assert.Equal(1, answers.Count(s => (int)s < 300));   // one change went through; the other was refused or its caller ended
        }
        output.WriteLine(string.Join("\n", outcomes.GroupBy(o => o).OrderBy(g => g.Key).Select(g => $"{g.Count(),3} × {g.Key}")));
        Assert.True(orphaned.Count == 0, $"{orphaned.Count} of {Rounds} tenants left without an active owner:\n{string.Join("\n", orphaned)}");
    }

    [Fact]
    public async Task The_database_refuses_a_commit_that_takes_the_last_active_owner_away_whatever_statement_wrote_it()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var (owner, _) = await TeamMembers.WithTokenAsync(service, tenant.Id, "owner");
        var (second, _) = await TeamMembers.WithTokenAsync(service, tenant.Id, "owner");

        // A path that bypasses the members' store (a future one, or a hand-written statement) meets the same rule.
        var demoteBoth = await Assert.ThrowsAsync<PostgresException>(() =>
            service.ScalarAsync<object>("update members set role = 'admin' where tenant_id = $1", tenant.Id));
        Assert.Equal("members_keep_an_owner", demoteBoth.ConstraintName);
        await Assert.ThrowsAsync<PostgresException>(() => service.ScalarAsync<object>("delete from members where tenant_id = $1", tenant.Id));
        Assert.Equal(2, await ActiveOwnersAsync(tenant.Id));

        // One of two may go; a swap inside one transaction (promote, then demote) is checked at its commit.
        await service.ScalarAsync<object>("update members set status = 'disabled' where tenant_id = $1 and id = $2", tenant.Id, second.Id);
        var (admin, _) = await TeamMembers.WithTokenAsync(service, tenant.Id, "admin");
        await using (var conn = await service.Db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await Execute(conn, tx, "update members set role = 'admin' where tenant_id = $1 and id = $2", tenant.Id, owner.Id);
            await Execute(conn, tx, "update members set role = 'owner' where tenant_id = $1 and id = $2", tenant.Id, admin.Id);
            await tx.CommitAsync();
        }
        Assert.Equal(admin.Id, await service.ScalarAsync<Guid>(
            "select id from members where tenant_id = $1 and role = 'owner' and status = 'active'", tenant.Id));

        // Through the API the same refusal is a 409 that changes nothing.
        using var ownerApi = await TeamMembers.TokenClientAsync(service, admin);   // the role is read afresh on every request: owner now
        var leave = await ownerApi.PatchAsync($"{Members}/{admin.Id}", JsonContent.Create(new { role = "viewer" }));
        Assert.Equal(HttpStatusCode.Conflict, leave.StatusCode);
        Assert.Equal(1, await ActiveOwnersAsync(tenant.Id));
    }

    private Func<Task<HttpResponseMessage>> Act(HttpClient api, string kind, Member target) => kind switch
    {
        "remove" => () => api.DeleteAsync($"{Members}/{target.Id}"),
        "disable" => () => api.PatchAsync($"{Members}/{target.Id}", JsonContent.Create(new { status = "disabled" })),
        _ => () => api.PatchAsync($"{Members}/{target.Id}", JsonContent.Create(new { role = "admin" })),
    };

    private static async Task<HttpStatusCode[]> AtOnceAsync(params Func<Task<HttpResponseMessage>>[] requests)
    {
        var answers = await Task.WhenAll(requests.Select(r => Task.Run(r)));
        return answers.Select(a => a.StatusCode).ToArray();
    }

    private Task<long> ActiveOwnersAsync(Guid tenantId) => TeamMembers.ActiveOwnersAsync(service, tenantId);

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync();
    }
}
