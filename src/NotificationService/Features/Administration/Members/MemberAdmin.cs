using System.Security.Claims;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Members;

public sealed record MemberView(Guid Id, string Email, string Name, string Role, string Status, bool TwoFactor, DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt)
{
    public static MemberView Of(Member m) => new(m.Id, m.Email, m.Name, m.Role, m.Status, m.HasTotp, m.CreatedAt, m.LastSignInAt);
}

/// <summary>The invitation's answer: the link is in this answer (and the email) and nowhere else, ever.</summary>
public sealed record CreatedInvitation(MemberView Member, string InviteUrl, DateTimeOffset ExpiresAt, bool Emailed);

/// <summary>
/// Inviting, changing and removing members, shared by the API and the console so the rules and the audit live once:
/// only an owner invites, changes or removes an owner, or changes or resends an owner's invitation (an admin, or an admin
/// key, cannot touch owners); the last active owner cannot be demoted, disabled or removed (the database refuses it:
/// <see cref="MemberStore.UpdateAsync"/>). An invitation is a member in status invited plus a one-time link; an invited
/// owner is not an owner yet.
/// </summary>
public sealed class MemberAdmin(MemberStore members, MemberLinks links, InvitationMail mail, AuditLog audit, IMemberSessionEnder sessions)
{
    public async Task<CreatedInvitation> InviteAsync(ClaimsPrincipal caller, string? email, string? role, string baseUrl,
        CancellationToken ct)
    {
        var tenantId = Tenancy.Auth.AuthClaims.TenantId(caller);
        var normalised = MemberEmails.Normalise(email);
        var parsed = MemberRoles.Parse(role);
        RequireOwnerFor(caller, parsed, "role");
        var member = await members.FindByEmailAsync(tenantId, normalised, ct);
        if (member is { Status: not MemberStatuses.Invited }) throw new ConflictException("This email is already a member of the team.");
        if (member is not null) RequireOwnerFor(caller, member.Role, "email");   // an owner's invitation is the owners' to change or resend
        member ??= await members.CreateAsync(tenantId, normalised, "", parsed, ct, MemberStatuses.Invited);
        if (member.Role != parsed) member = await members.UpdateAsync(member, parsed, null, ct) ?? throw ChangedMeanwhile();
        var (token, expires) = await links.CreateAsync(tenantId, member.Id, MemberLinks.Invite, AuditLog.ActorOf(caller), ct);
        // A change between the read above and this link (an owner raising the invitation to owner) revokes the link here;
        // one after it revokes the link by making its own (a new link revokes the older ones).
        if (await members.FindAsync(tenantId, member.Id, ct) is not { Status: MemberStatuses.Invited } now || now.Role != member.Role)
        {
            await links.RevokeAsync(tenantId, member.Id, MemberLinks.Invite, ct);
            throw ChangedMeanwhile();
        }
        var url = $"{baseUrl.TrimEnd('/')}/admin/invite/{token}";
        var emailed = await mail.SendAsync(tenantId, member.Email, url, expires, ct);
        await audit.RecordAsync(caller, "member.invite", "member", member.Id.ToString(), null,
            new { member.Email, member.Role, expiresAt = expires, emailed }, ct);
        return new(MemberView.Of(member), url, expires, emailed);
    }

    public async Task<MemberView?> UpdateAsync(ClaimsPrincipal caller, Guid id, string? role, string? status, CancellationToken ct)
    {
        var tenantId = Tenancy.Auth.AuthClaims.TenantId(caller);
        if (role is null && status is null) throw RequestValidationException.For("role", "Give a role, a status or both.");
        var newRole = role is null ? null : MemberRoles.Parse(role);
        if (status is not null and not (MemberStatuses.Active or MemberStatuses.Disabled))
            throw RequestValidationException.For("status", "The status must be active or disabled.");
        if (await members.FindAsync(tenantId, id, ct) is not { } before) return null;
        RequireOwnerFor(caller, before.Role, "id");
        if (newRole is not null) RequireOwnerFor(caller, newRole, "role");
        if (status == MemberStatuses.Active && before.Status == MemberStatuses.Invited)
            throw RequestValidationException.For("status", "An invited member becomes active by accepting the invitation.", 409);
        var after = await members.UpdateAsync(before, newRole, status, ct);
        if (after is null) return await members.FindAsync(tenantId, id, ct) is null ? null : throw ChangedMeanwhile();
        var lowered = Array.IndexOf(MemberRoles.All, after.Role) > Array.IndexOf(MemberRoles.All, before.Role);
        if (lowered || after.Status == MemberStatuses.Disabled) await sessions.EndAllAsync(tenantId, id, ct);
        await audit.RecordAsync(caller, "member.update", "member", id.ToString(), new { before.Role, before.Status },
            new { after.Role, after.Status }, ct);
        return MemberView.Of(after);
    }

    public async Task<bool> RemoveAsync(ClaimsPrincipal caller, Guid id, CancellationToken ct)
    {
        var tenantId = Tenancy.Auth.AuthClaims.TenantId(caller);
        if (await members.FindAsync(tenantId, id, ct) is not { } member) return false;
        RequireOwnerFor(caller, member.Role, "id");
        if (!await members.DeleteAsync(member, ct))
            return await members.FindAsync(tenantId, id, ct) is null ? false : throw ChangedMeanwhile();
        await audit.RecordAsync(caller, "member.remove", "member", id.ToString(), new { member.Email, member.Role, member.Status },
            null, ct);
        return true;
    }

    private static void RequireOwnerFor(ClaimsPrincipal caller, string role, string field)
    {
        if (role == MemberRoles.Owner && caller.RoleOf() != MemberRoles.Owner)
            throw RequestValidationException.For(field, "Only an owner can invite, change or remove an owner.", 403);
    }

    private static ConflictException ChangedMeanwhile() =>
        new("The member was changed by someone else at the same moment: reload and try again.");
}
