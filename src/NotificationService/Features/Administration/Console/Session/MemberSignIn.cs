using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Audit;

namespace NotificationService.Features.Administration.Console.Session;

public enum PasswordOutcome { Refused, Throttled, NeedsCode, NeedsEnrolment, Done }

/// <summary>
/// Local sign-in: email and password, then a TOTP (or recovery) code. Every refusal reads the same and costs the same
/// whether or not the email is a member (a decoy hash is verified for a stranger), so the form tells nobody who is on
/// the team. Failures are throttled per client address and account, per client address across every account
/// (<see cref="SignInThrottle.MaxFailuresPerAddress"/>: one password tried on many emails), and per account for the
/// addresses that failed on it (<see cref="IsBlocked"/>), and audited when they name a member.
/// </summary>
public sealed class MemberSignIn(
    MemberStore members, MemberCredentials credentials, SignInThrottle throttle, AuditLog audit, SecondFactorRule secondFactor)
{
    /// <summary>What a refused sign-in says, whatever was wrong: email, password, status.</summary>
    public const string Refusal = "That email and password do not match an active member of this team.";

    public async Task<(PasswordOutcome Outcome, Member? Member)> PasswordAsync(
        string client, Guid tenantId, string? email, string? password, CancellationToken ct)
    {
        var account = AccountKey(tenantId, email);
        if (IsBlocked(client, account)) return (PasswordOutcome.Throttled, null);
        var member = await members.FindByEmailAsync(tenantId, email ?? "", ct);
        var right = await credentials.CheckPasswordAsync(member, password, ct);   // always verifies a hash: same cost for strangers
        if (!right || member is not { Status: MemberStatuses.Active })
        {
            await FailedAsync(client, account, member, "password", ct);
            return (PasswordOutcome.Refused, null);
        }
        if (member.HasTotp) return (PasswordOutcome.NeedsCode, member);
        if (await secondFactor.RequiredForAsync(member, ct)) return (PasswordOutcome.NeedsEnrolment, member);
        Succeeded(client, account);
        return (PasswordOutcome.Done, member);
    }

    /// <summary>The second step: a TOTP code, or one of the member's recovery codes.</summary>
    public async Task<bool> CodeAsync(string client, Member member, string? code, CancellationToken ct)
    {
        var account = AccountKey(member.TenantId, member.Email);
        if (IsBlocked(client, account)) return false;
        if (await credentials.CheckTotpAsync(member, code, pending: false, ct) || await credentials.UseRecoveryCodeAsync(member, code, ct))
        {
            Succeeded(client, account);
            return true;
        }
        await FailedAsync(client, account, member, "code", ct);
        return false;
    }

    public bool IsThrottled(string client, Member member) => IsBlocked(client, AccountKey(member.TenantId, member.Email));

    /// <summary>
    /// Per source before per account: an address is held by its own failures on the account and across accounts; the
    /// account's count from every address holds only addresses that have failed on it themselves. So guessers spread
    /// over many addresses get one try each while the account is under attack, and the member, from an address of their
    /// own, is never locked out by someone else's failures.
    /// </summary>
    private bool IsBlocked(string client, string account) => BlockedFor(client, account) > TimeSpan.Zero;

    /// <summary>How long the client waits before it may try the member's account again: the 429's Retry-After.</summary>
    public TimeSpan RetryAfter(string client, Guid tenantId, string? email) => BlockedFor(client, AccountKey(tenantId, email));

    private TimeSpan BlockedFor(string client, string account)
    {
        var own = throttle.BlockedFor(client, account);
        var address = throttle.BlockedFor(client, AnyAccount, SignInThrottle.MaxFailuresPerAddress);
        var everywhere = throttle.Failures(client, account) > 0 ? throttle.BlockedFor(AnyAddress, account) : TimeSpan.Zero;
        return new[] { own, address, everywhere }.Max();
    }

    private async Task FailedAsync(string client, string account, Member? member, string step, CancellationToken ct)
    {
        throttle.RecordFailure(client, account);
        throttle.RecordFailure(AnyAddress, account);   // the account's own lock-out, from whichever addresses
        throttle.RecordFailure(client, AnyAccount);    // the address's, whichever accounts it tries
        if (member is not null)
            await audit.RecordAsync(MemberSessions.PrincipalOf(member, MemberSessions.Password), "member.sign_in_failed", "member",
                member.Id.ToString(), null, new { step }, ct);
    }

    private void Succeeded(string client, string account) => throttle.Reset(client, account);

    /// <summary>The throttle's "client" for counting an account's failures from every address together.</summary>
    private const string AnyAddress = "*";
    /// <summary>The throttle's "account" for counting an address's failures on every account together (any tenant).</summary>
    private const string AnyAccount = "member:*";

    private static string AccountKey(Guid tenantId, string? email)
    {
        var e = (email ?? "").Trim().ToLowerInvariant();
        return $"member:{tenantId:N}:{e[..Math.Min(e.Length, MemberEmails.MaxLength)]}";
    }
}
