using System.Security.Claims;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// What the credential behind an MCP request may do: a key by its scopes (<see cref="ScopeTable.Tools"/>), a member by
/// their role (<see cref="RoleTable.Tools"/>), as on the REST API. An agent's answers end up in a model's transcript, so
/// people's addresses are shown only to a credential that may read people: a key with `users:read` (admin has it) or a
/// member whose role sees addresses in the console. Everyone else gets them masked.
/// </summary>
public static class McpCaller
{
    public static bool MayCall(this ClaimsPrincipal user, string tool) => user.IsMember()
        ? RoleTable.Tools.TryGetValue(tool, out var area) && RoleTable.Allows(user.RoleOf(), area)
        : ScopeTable.Tools.TryGetValue(tool, out var access) && access.Admits(user);

    public static bool MayReadAddresses(this ClaimsPrincipal user) => user.IsMember()
        ? !RoleTable.MasksPersonalData(user.RoleOf())
        : user.HasScope(Scopes.UsersRead);

    /// <summary>An address as this caller may see it: whole, or masked (`a•••@example.com`).</summary>
    public static string? Shown(this ClaimsPrincipal user, string? address) =>
        address is null || user.MayReadAddresses() ? address : RoleTable.Mask(address);
}
