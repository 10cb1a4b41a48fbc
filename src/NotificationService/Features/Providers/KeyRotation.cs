using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Providers;

/// <summary>
/// `keys rotate`: re-encrypts every provider config's secrets that are not under `Secrets:ActiveKeyId`.
/// Operators add the new key, make it active, run this, then remove the old key once it reports 0 left.
/// Each row is a compare-and-set on the old ciphertext, so an admin edit that lands meanwhile (already
/// written under the active key) is never overwritten; the command is safe to re-run.
/// </summary>
public sealed class KeyRotation(NpgsqlDataSource db, SecretProtector protector)
{
    public sealed record Progress(int Done, int Total);

    public async Task<Progress> RotateAsync(Action<Progress> report, CancellationToken ct)
    {
        var active = protector.ActiveKeyId;
        var total = await CountAsync(active, ct);
        var done = 0;
        while (true)
        {
            var page = new List<(Guid Id, byte[] Cipher, string KeyId)>();
            await using (var cmd = db.CreateCommand("""
                select id, secrets_ciphertext, secrets_key_id from providers
                where secrets_ciphertext is not null and secrets_key_id <> $1 order by id limit 200
                """))
            {
                cmd.Parameters.AddWithValue(active);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) page.Add((r.GetGuid(0), r.GetFieldValue<byte[]>(1), r.GetString(2)));
            }
            if (page.Count == 0) break;
            foreach (var (id, cipher, keyId) in page)
            {
                var (fresh, freshKey) = protector.Protect(protector.Unprotect(cipher, keyId));
                await using var update = db.CreateCommand("""
                    update providers set secrets_ciphertext = $2, secrets_key_id = $3, updated_at = now()
                    where id = $1 and secrets_ciphertext = $4
                    """);
                update.Parameters.AddWithValue(id);
                update.Parameters.AddWithValue(fresh);
                update.Parameters.AddWithValue(freshKey);
                update.Parameters.AddWithValue(cipher);
                await update.ExecuteNonQueryAsync(ct);
                done++;
            }
            report(new Progress(done, Math.Max(total, done)));
        }
        return new Progress(done, Math.Max(total, done));
    }

    private async Task<int> CountAsync(string active, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select count(*)::int from providers where secrets_ciphertext is not null and secrets_key_id <> $1");
        cmd.Parameters.AddWithValue(active);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
