using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// `keys rotate`: re-encrypts every provider config's secrets that are not under `Secrets:ActiveKeyId`.
/// Operators add the new key, make it active, run this, then remove the old key once it reports 0 left.
/// Each row is a compare-and-set on the old ciphertext, so an admin edit that lands meanwhile (already
/// written under the active key) is never overwritten; the command is safe to re-run.
/// </summary>
public sealed class KeyRotation(ProviderStore store, SecretProtector protector)
{
    public sealed record Progress(int Done, int Total);

    public async Task<Progress> RotateAsync(Action<Progress> report, CancellationToken ct)
    {
        var active = protector.ActiveKeyId;
        var total = await store.CountSecretsNotUnderAsync(active, ct);
        var done = 0;
        while (await store.SecretsNotUnderAsync(active, 200, ct) is { Count: > 0 } page)
        {
            foreach (var (id, cipher, keyId) in page)
            {
                var (fresh, freshKey) = protector.Protect(protector.Unprotect(cipher, keyId));
                await store.ReplaceSecretsAsync(id, cipher, fresh, freshKey, ct);
                done++;
            }
            report(new Progress(done, Math.Max(total, done)));
        }
        return new Progress(done, Math.Max(total, done));
    }
}
