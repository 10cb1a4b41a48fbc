using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NotificationService.Infrastructure;
using NotificationService.Postgres;
using NotificationService.Tests.Hosting;

namespace NotificationService.Tests.Features.EndUserAuth;

/// <summary>`keys rotate` also re-encrypts end-user token secrets, so the old key can be dropped without locking users out.</summary>
public class UserKeyRotationTests
{
    private static readonly string OldKey = Convert.ToBase64String(Enumerable.Repeat((byte)3, 32).ToArray());
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Repeat((byte)4, 32).ToArray());

    private static SecretProtector Protector(params (string Id, string Key)[] keys) => new(
        new ConfigurationBuilder().AddInMemoryCollection(keys.Select(k => KeyValuePair.Create($"Secrets:Keys:{k.Id}", (string?)k.Key))).Build(),
        NullLogger<SecretProtector>.Instance);

    [Fact]
    public async Task Rotate_re_encrypts_end_user_token_secrets_under_the_active_key()
    {
        var cs = await TestDatabase.CreateAsync("ukeys");
        var env = new Dictionary<string, string> { ["Secrets__Keys__old"] = OldKey };
        Assert.Equal(0, (await RunAsync(cs, env, "tenants", "create", "--name", "Acme", "--json")).Exit);
        var secret = Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray());
        var (cipher, keyId) = Protector(("old", OldKey)).Protect(new Dictionary<string, string> { ["secret"] = secret });
        await using var db = NpgsqlDataSource.Create(cs);
        await using (var insert = db.CreateCommand("""
            insert into user_auth_keys (tenant_id, id, kind, secret_ciphertext, secret_key_id)
            select id, gen_random_uuid(), k, $1, $2 from tenants, unnest(array['service', 'hs256']) k
            """))
        {
            insert.Parameters.AddWithValue(cipher);
            insert.Parameters.AddWithValue(keyId);
            await insert.ExecuteNonQueryAsync();
        }

        env["Secrets__Keys__new"] = NewKey;
        env["Secrets__ActiveKeyId"] = "new";
        var rotate = await RunAsync(cs, env, "keys", "rotate");
        Assert.True(rotate.Exit == 0, rotate.Output);
        Assert.Contains("2 end-user token secrets re-encrypted", rotate.Output);
        Assert.DoesNotContain(secret, rotate.Output);

        var onlyNew = Protector(("new", NewKey));
        await using var read = db.CreateCommand("select secret_ciphertext, secret_key_id from user_auth_keys");
        await using var r = await read.ExecuteReaderAsync();
        var rows = 0;
        while (await r.ReadAsync())
        {
            rows++;
            Assert.Equal("new", r.GetString(1));
            Assert.Equal(secret, onlyNew.Unprotect(r.GetFieldValue<byte[]>(0), r.GetString(1))["secret"]);
        }
        Assert.Equal(2, rows);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string cs, Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [CliTests.ServiceDll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ConnectionStrings__Postgres"] = cs;
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await output + await error);
    }
}
