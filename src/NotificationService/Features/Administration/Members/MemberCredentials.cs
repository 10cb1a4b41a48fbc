using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using NotificationService.Infrastructure;
using OtpNet;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// A member's secrets, checked and set: the password (ASP.NET Core Identity's PBKDF2 hasher), the TOTP secret (RFC
/// 6238, encrypted at rest with the provider-secret keys) and the recovery codes (SHA-256 of 50 random bits each). No
/// secret leaves here except the enrolment's new TOTP secret and new recovery codes, which the member sees once.
/// </summary>
public sealed class MemberCredentials(MemberStore store, SecretProtector protector, TimeProvider clock)
{
    private static readonly PasswordHasher<Member> Hasher = new();
    /// <summary>Verified when the email is no member, so a wrong email costs what a wrong password costs.</summary>
    private static readonly string DecoyHash = Hasher.HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    public const int RecoveryCodeCount = 10;

    /// <summary>Whether <paramref name="password"/> is the member's; a null member is checked against a decoy (same cost, always
    /// false).</summary>
    public async Task<bool> CheckPasswordAsync(Member? member, string? password, CancellationToken ct)
    {
        var hash = member is null ? null : await store.PasswordHashAsync(member.TenantId, member.Id, ct);
        var result = Hasher.VerifyHashedPassword(member!, hash ?? DecoyHash,
            (password ?? "")[..Math.Min(password?.Length ?? 0, PasswordPolicy.MaxLength)]);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }

    public async Task SetPasswordAsync(Member member, string password, CancellationToken ct)
    {
        PasswordPolicy.Check(password, member.Email);
        await store.SetPasswordHashAsync(member.TenantId, member.Id, Hasher.HashPassword(member, password), ct);
    }

    /// <summary>Starts (or restarts) enrolment: a new secret, stored encrypted and not yet enabled; returns it in base32 for the
    /// app.</summary>
    public async Task<string> BeginTotpAsync(Member member, CancellationToken ct)
    {
        var secret = KeyGeneration.GenerateRandomKey(20);
        var (cipher, keyId) = protector.Protect(new Dictionary<string, string> { ["totp"] = Convert.ToBase64String(secret) });
        await store.SetPendingTotpAsync(member.TenantId, member.Id, cipher, keyId, ct);
        return Base32Encoding.ToString(secret);
    }

    /// <summary>
    /// Checks a code against the member's secret (the current 30-second step and one either side, for clock drift) and
    /// remembers the step it matched, so a code works once. <paramref name="pending"/>: the enrolment's confirmation,
    /// which turns the factor on.
    /// </summary>
    public async Task<bool> CheckTotpAsync(Member member, string? code, bool pending, CancellationToken ct)
    {
        code = code?.Replace(" ", "");
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit)) return false;
        if (await store.TotpAsync(member.TenantId, member.Id, pending, ct) is not { } stored) return false;
        var secret = Convert.FromBase64String(protector.Unprotect(stored.Ciphertext, stored.KeyId)["totp"]);
        if (!new Totp(secret).VerifyTotp(clock.GetUtcNow().UtcDateTime, code, out var step, new VerificationWindow(1, 1))) return false;
        return (stored.LastStep is null || stored.LastStep < step)
            && await store.AcceptTotpStepAsync(member.TenantId, member.Id, step, clock.GetUtcNow(), ct);
    }

    /// <summary>New recovery codes (the old ones stop working); returned once, stored as hashes.</summary>
    public async Task<string[]> NewRecoveryCodesAsync(Member member, CancellationToken ct)
    {
        var codes = Enumerable.Range(0, RecoveryCodeCount)
            .Select(_ => Base32Encoding.ToString(RandomNumberGenerator.GetBytes(7))[..10].ToLowerInvariant()).ToArray();
        await store.SetRecoveryCodeHashesAsync(member.TenantId, member.Id, codes.Select(HashCode).ToArray(), ct);
        return codes;
    }

    /// <summary>Uses a recovery code instead of a TOTP code: true once per code.</summary>
    public async Task<bool> UseRecoveryCodeAsync(Member member, string? code, CancellationToken ct)
    {
        code = code?.Replace(" ", "").Replace("-", "").ToLowerInvariant();
        return code is { Length: 10 } && await store.UseRecoveryCodeHashAsync(member.TenantId, member.Id, HashCode(code), ct);
    }

    private static byte[] HashCode(string code) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(code));
}
