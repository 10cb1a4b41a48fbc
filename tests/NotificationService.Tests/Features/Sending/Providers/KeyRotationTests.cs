using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NotificationService.Features.Sending.Providers;
using NotificationService.Infrastructure;
using NotificationService.Postgres;
using NotificationService.Tests.Hosting;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>`keys rotate`, run as an operator would: add a new key, make it active, rotate, drop the old key. Provider
/// secrets and end-user token secrets both end up under the new key.</summary>
public class KeyRotationTests
{
    private static readonly string OldKey = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray());

    private static SecretProtector Protector(params (string Id, string Key)[] keys) => new(
        new ConfigurationBuilder().AddInMemoryCollection(keys.Select(k => KeyValuePair.Create($"Secrets:Keys:{k.Id}", (string?)k.Key))).Build(),
        NullLogger<SecretProtector>.Instance);

    [Fact]
    public async Task Rotate_re_encrypts_every_secret_under_the_active_key_with_progress()
    {
        var cs = await TestDatabase.CreateAsync("keys");
        var env = new Dictionary<string, string> { ["Secrets__Keys__old"] = OldKey };
        Assert.Equal(0, (await RunAsync(cs, env, "tenants", "create", "--name", "Acme", "--json")).Exit);

        await using var db = NpgsqlDataSource.Create(cs);
        var (cipher, keyId) = Protector(("old", OldKey)).Protect(new Dictionary<string, string> { ["apiKey"] = "SG.rotate-me" });
        await using (var insert = db.CreateCommand("""
            insert into providers (id, tenant_id, channel, kind, name, settings, secrets_ciphertext, secrets_key_id)
            select gen_random_uuid(), id, 'email', 'sendgrid', 'p' || n, '{"fromEmail":"a@example.com"}', $1, $2 from tenants, generate_series(1, 3) n
            """))
        {
            insert.Parameters.AddWithValue(cipher);
            insert.Parameters.AddWithValue(keyId);
            await insert.ExecuteNonQueryAsync();
        }
        // End-user token secrets (the service's signing key and a tenant's HS256 key) are sealed the same way.
        var tokenSecret = Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray());
        var (tokenCipher, tokenKeyId) = Protector(("old", OldKey)).Protect(new Dictionary<string, string> { ["secret"] = tokenSecret });
        await using (var insert = db.CreateCommand("""
            insert into user_auth_keys (tenant_id, id, kind, secret_ciphertext, secret_key_id)
            select id, gen_random_uuid(), k, $1, $2 from tenants, unnest(array['service', 'hs256']) k
            """))
        {
            insert.Parameters.AddWithValue(tokenCipher);
            insert.Parameters.AddWithValue(tokenKeyId);
            await insert.ExecuteNonQueryAsync();
        }

        env["Secrets__Keys__new"] = NewKey;
        env["Secrets__ActiveKeyId"] = "new";
        var rotate = await RunAsync(cs, env, "keys", "rotate");
        Assert.True(rotate.Exit == 0, rotate.Output);
        Assert.Contains("keys rotate: 3/3 provider configs re-encrypted", rotate.Output);
        Assert.Contains("2 end-user token secrets re-encrypted", rotate.Output);
        Assert.DoesNotContain("SG.rotate-me", rotate.Output);
        Assert.DoesNotContain(tokenSecret, rotate.Output);

        // Only the new key is needed now.
        var onlyNew = Protector(("new", NewKey));
        await using var read = db.CreateCommand("select secrets_ciphertext, secrets_key_id from providers");
        await using var r = await read.ExecuteReaderAsync();
        var rows = 0;
        while (await r.ReadAsync())
        {
            rows++;
            Assert.Equal("new", r.GetString(1));
            Assert.Equal("SG.rotate-me", onlyNew.Unprotect(r.GetFieldValue<byte[]>(0), r.GetString(1))["apiKey"]);
        }
        Assert.Equal(3, rows);
        await using (var readTokens = db.CreateCommand("select secret_ciphertext, secret_key_id from user_auth_keys"))
        await using (var t = await readTokens.ExecuteReaderAsync())
        {
            var tokenRows = 0;
            while (await t.ReadAsync())
            {
                tokenRows++;
                Assert.Equal("new", t.GetString(1));
                Assert.Equal(tokenSecret, onlyNew.Unprotect(t.GetFieldValue<byte[]>(0), t.GetString(1))["secret"]);
            }
            Assert.Equal(2, tokenRows);
        }

        var again = await RunAsync(cs, env, "keys", "rotate"); // idempotent
        Assert.Contains("done, 0 provider configs", again.Output);
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
