using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Hosting;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>The command line's members: the first owner's invitation and the audited break-glass sign-in link.</summary>
public class MemberCommandsTests
{
    [Fact]
    public async Task Tenants_create_with_an_owner_email_prints_the_invitation_and_sign_in_link_prints_a_one_time_link_for_an_active_member()
    {
        var cs = await TestDatabase.CreateAsync("cli_members");
        var create = await CliTests.RunAsync(cs, "tenants", "create", "--name", "Acme", "--owner-email", "Owner@Example.com");
        Assert.True(create.Exit == 0, create.Output);
        var invite = System.Text.RegularExpressions.Regex.Match(create.Output, @"owner invitation for owner@example\.com .*: (http://localhost:5000/admin/invite/([0-9a-f]{32})\.(\S{43}))");
        Assert.True(invite.Success, create.Output);
        var tenantId = Guid.ParseExact(invite.Groups[2].Value, "N");

        await using var db = NpgsqlDataSource.Create(cs);
        Assert.Equal("owner invited", await ScalarAsync<string>(db, "select role || ' ' || status from members where tenant_id = $1", tenantId));

        // Break-glass only for an active member: an invited one gets none.
        var refused = await CliTests.RunAsync(cs, "members", "sign-in-link", "--tenant", tenantId.ToString(), "--email", "owner@example.com");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("no active member", refused.Output);

        await ScalarAsync<object>(db, "update members set status = 'active' where tenant_id = $1", tenantId);
        var link = await CliTests.RunAsync(cs, "members", "sign-in-link", "--tenant", tenantId.ToString(), "--email", "owner@example.com");
        Assert.True(link.Exit == 0, link.Output);
        var url = System.Text.RegularExpressions.Regex.Match(link.Output, @"http://localhost:5000/admin/link/[0-9a-f]{32}\.(\S{43})");
        Assert.True(url.Success, link.Output);

        var audit = await ScalarAsync<string>(db, "select string_agg(actor || ' ' || action || ' ' || coalesce(after::text, ''), '\n') from audit_log where tenant_id = $1", tenantId);
        Assert.Contains("operator (command line) member.invite", audit);
        Assert.Contains("operator (command line) member.sign_in_link", audit);
        Assert.DoesNotContain(invite.Groups[3].Value, audit!);
        Assert.DoesNotContain(url.Groups[1].Value, audit!);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlDataSource db, string sql, Guid tenantId)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(tenantId);
        return await cmd.ExecuteScalarAsync() is T value ? value : default;
    }
}
