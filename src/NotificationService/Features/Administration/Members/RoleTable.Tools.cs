namespace NotificationService.Features.Administration.Members;

public static partial class RoleTable
{
    /// <summary>
    /// The MCP server's tools (`/mcp`) by name and the area a member needs to see and call each with their token, as
    /// <see cref="Api"/> does for the admin API (keys keep their scopes: ScopeTable.Tools). Reads are for every member;
    /// cancelling a run is operations; a test send and a test trigger are content, as in the console.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Area> Tools = new Dictionary<string, Area>
    {
        ["find_notifications"] = Area.Read,
        ["explain_notification"] = Area.Read,
        ["get_workflow_run"] = Area.Read,
        ["list_workflows"] = Area.Read,
        ["queue_health"] = Area.Read,
        ["usage"] = Area.Read,
        ["cancel_run"] = Area.Operations,
        ["preview_template"] = Area.Read,             // renders, stores nothing (as the API's preview)
        ["send_test"] = Area.Content,                 // as the API's and the console's test send
        ["trigger_workflow_test"] = Area.Content,     // as the console's test trigger
    };
}
