using System.Security.Claims;
using ModelContextProtocol.Protocol;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// Who may list and call a tool: a key by its scopes as <see cref="ScopeTable.McpTools"/> says, a member by their role as
/// <see cref="RoleTable.Mcp"/> says (the same two tables as every API operation). A tool in neither table is refused.
/// </summary>
public static class McpToolAccess
{
    public static bool Admits(ClaimsPrincipal? user, string tool)
    {
        if (user?.Identity?.IsAuthenticated != true) return false;
        if (user.IsMember()) return RoleTable.Mcp.TryGetValue(tool, out var area) && RoleTable.Allows(user.RoleOf(), area);
        return ScopeTable.McpTools.TryGetValue(tool, out var access) && access.Admits(user);
    }

    /// <summary>A key without the scope, or a role without the area, reads why, not a failure of the server.</summary>
    public static CallToolResult Refusal(string tool) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = ScopeTable.McpTools.TryGetValue(tool, out var access)
            ? $"The tool '{tool}' needs {access}; this credential does not hold it." : $"There is no tool '{tool}'." }],
    };

    /// <summary>People's addresses show in full to a key with `users:read` (admin has it) and to members who are not viewers.</summary>
    public static bool SeesPeople(ClaimsPrincipal user) =>
        user.IsMember() ? !RoleTable.MasksPersonalData(user.RoleOf()) : user.HasScope(Tenancy.Tenants.Scopes.UsersRead);
}
