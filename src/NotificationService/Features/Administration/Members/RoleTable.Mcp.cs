namespace NotificationService.Features.Administration.Members;

public static partial class RoleTable
{
    /// <summary>Every MCP tool and the area a member needs to list and call it with their token (keys: ScopeTable.McpTools).</summary>
    public static readonly IReadOnlyDictionary<string, Area> Mcp = new Dictionary<string, Area>
    {
        ["find_notifications"] = Area.Read,
        ["explain_notification"] = Area.Read,
        ["cancel_workflow_run"] = Area.Operations,
    };
}
