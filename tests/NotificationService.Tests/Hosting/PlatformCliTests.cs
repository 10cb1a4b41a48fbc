using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Postgres;

namespace NotificationService.Tests.Hosting;

/// <summary>The platform's commands, run as an operator would run them, against a fresh database.</summary>
public class PlatformCliTests
{
    /// <summary>The command's JSON line (stdout; the output also holds what it logged to stderr).</summary>
    private static JsonNode LastJson(string output) => JsonNode.Parse(output.Split('\n').Last(l => l.TrimStart().StartsWith('{')))!;

    [Fact]
    public async Task Platform_keys_create_prints_a_key_once_and_stores_only_its_hash_and_revoke_revokes_it_by_name()
    {
        var cs = await TestDatabase.CreateAsync("cli_pkey");
        var made = await CliTests.RunAsync(cs, "platform", "keys", "create", "--name", "billing system", "--json");
        Assert.True(made.Exit == 0, made.Output);
        var key = LastJson(made.Output)["key"]!.GetValue<string>();
        Assert.Matches("^nsp_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$", key);

        await using var db = NpgsqlDataSource.Create(cs);
        await using var cmd = db.CreateCommand("select count(*) from platform_keys where name = 'billing system' and key_prefix = $1 and key_hash = sha256(convert_to($2, 'UTF8'))");
        cmd.Parameters.AddWithValue(key[..12]);
        cmd.Parameters.AddWithValue(key);
        Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!);

        var revoke = await CliTests.RunAsync(cs, "platform", "keys", "revoke", "--name", "billing system");
        Assert.True(revoke.Exit == 0, revoke.Output);
        Assert.Contains($"platform key {key[..12]} (billing system) revoked", revoke.Output);
        await using var revoked = db.CreateCommand("select count(*) from platform_keys where key_prefix = $1 and revoked_at is not null");
        revoked.Parameters.AddWithValue(key[..12]);
        Assert.Equal(1L, (long)(await revoked.ExecuteScalarAsync())!);   // a name with nothing left to revoke: PlatformAuthTests
    }

    [Fact]
    public async Task Tenants_suspend_resume_export_and_delete_act_on_the_tenant_and_delete_shows_its_progress()
    {
        var cs = await TestDatabase.CreateAsync("cli_tenants");
        var create = await CliTests.RunAsync(cs, "tenants", "create", "--name", "Leaving Ltd", "--json");
        Assert.True(create.Exit == 0, create.Output);
        var id = LastJson(create.Output)["tenantId"]!.GetValue<string>();
        await using var db = NpgsqlDataSource.Create(cs);
        async Task<object?> Scalar(string sql)
        {
            await using var cmd = db.CreateCommand(sql);
            cmd.Parameters.AddWithValue(Guid.Parse(id));
            return await cmd.ExecuteScalarAsync();
        }

        Assert.Equal(0, (await CliTests.RunAsync(cs, "tenants", "suspend", "--id", id)).Exit);
        Assert.Equal("suspended", await Scalar("select status from tenants where id = $1"));
        Assert.Equal(0, (await CliTests.RunAsync(cs, "tenants", "resume", "--id", id)).Exit);
        Assert.Equal("active", await Scalar("select status from tenants where id = $1"));

        var export = await CliTests.RunAsync(cs, "tenants", "export", "--id", id);
        Assert.True(export.Exit == 0, export.Output);
        Assert.Equal(id, LastJson(export.Output)["tenant"]!["id"]!.GetValue<string>());

        var delete = await CliTests.RunAsync(cs, "tenants", "delete", "--id", id, "--Tenants:DeleteSettleSeconds", "0");
        Assert.True(delete.Exit == 0, delete.Output);
        Assert.Matches(@"tenants delete: table \d+/\d+ \(", delete.Output);
        Assert.Matches(@"tenants delete: done, [1-9][\d,]* rows deleted from \d+ tables", delete.Output);
        Assert.Equal(0L, await Scalar("select count(*) from tenants where id = $1"));
        Assert.Equal(0L, await Scalar("select count(*) from service_accounts where tenant_id = $1"));

        var unknown = await CliTests.RunAsync(cs, "tenants", "suspend", "--id", Guid.NewGuid().ToString());
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("no tenant", unknown.Output);
    }
}
