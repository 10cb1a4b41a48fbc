using System.Security.Claims;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// The role table on the API: a member (calling with their token) may call an operation when <see cref="RoleTable.Api"/>
/// names it and their role is allowed in its area. Anything else, the services API included, is refused: members run the
/// tenant, services send with keys. Every operation of the scope table passes here (its policy's requirement), so it is
/// enforced where the groups are mapped, not in any handler.
/// </summary>
public sealed class MemberOperationGate : IMemberOperationGate
{
    public bool Allows(ClaimsPrincipal member, string operation) =>
        RoleTable.Api.TryGetValue(operation, out var area) && RoleTable.Allows(member.RoleOf(), area);
}
