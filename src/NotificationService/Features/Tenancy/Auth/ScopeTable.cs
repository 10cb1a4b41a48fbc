using NotificationService.Features.Tenancy.Tenants;
using static NotificationService.Features.Tenancy.Auth.Access;

namespace NotificationService.Features.Tenancy.Auth;

/// <summary>
/// The one table of who may call what: every operation of the API document (`METHOD /route` as the document spells it)
/// and every request field that writes something the operation's own scope does not cover. Endpoints take their
/// requirement from here (<see cref="ScopeConventions.RequireScopes{TBuilder}"/>); `ScopeMatrixTests` walks the document
/// against it with a key of each scope. Rules: a profile is written with `users:write` wherever it is written (a send's
/// `recipient.profile`, a trigger's `recipients[].profile`, not only `PUT /services/users/{userId}`); what a scope creates
/// it can read and cancel (a fan-out); cancelling by query selects like a list (read) and stops like a cancel (send).
/// </summary>
public static class ScopeTable
{
    private const string Admin = Scopes.Admin, Send = Scopes.Send, Read = Scopes.Read;

    public static readonly IReadOnlyDictionary<string, Access> Operations = new Dictionary<string, Access>
    {
        // Sending
        ["POST /api/v1/services/notifications/send"] = Scope(Send),
        ["GET /api/v1/services/notifications/{id}"] = Scope(Read),
        ["POST /api/v1/services/notifications/{id}/cancel"] = Scope(Send),
        ["POST /api/v1/services/notifications/send-batch"] = Scope(Send),
        ["POST /api/v1/services/notifications/send-chunk"] = Scope(Send),
        ["GET /api/v1/services/notifications/batches/{batchId}"] = Scope(Read),
        ["GET /api/v1/services/notifications/batches/{batchId}/notifications"] = Scope(Read),
        ["POST /api/v1/services/notifications/bulk/csv"] = Scope(Send),
        ["GET /api/v1/services/notifications/bulk/{jobId}"] = Scope(Read),
        ["GET /api/v1/services/notifications/bulk/{jobId}/errors"] = Scope(Read),
        ["POST /api/v1/services/notifications/bulk/{jobId}/cancel"] = Scope(Send),
        ["GET /api/v1/services/notifications/fan-outs/{id}"] = EitherOf(Send, Read),
        ["POST /api/v1/services/notifications/fan-outs/{id}/cancel"] = Scope(Send),
        ["POST /api/v1/services/events"] = Scope(Send),
        // A push token is the person's data, keyed by their userId: written with `users:write`, as a profile is.
        ["POST /api/v1/services/devices"] = Scope(Scopes.UsersWrite),
        ["DELETE /api/v1/services/devices"] = Scope(Scopes.UsersWrite),
        // Workflows
        ["POST /api/v1/services/workflows/{key}/trigger"] = Scope(Send),
        ["POST /api/v1/services/workflows/events"] = Scope(Send),
        ["GET /api/v1/services/workflows/runs"] = Scope(Read),
        ["GET /api/v1/services/workflows/runs/{id}"] = Scope(Read),
        ["POST /api/v1/services/workflows/runs/{id}/cancel"] = Scope(Send),
        ["POST /api/v1/services/workflows/runs/{id}/resume"] = Scope(Send),
        ["POST /api/v1/services/workflows/runs/cancel"] = AllOf(Read, Send),
        ["GET /api/v1/services/workflows/fan-outs/{id}"] = EitherOf(Send, Read),
        ["POST /api/v1/services/workflows/fan-outs/{id}/cancel"] = Scope(Send),
        // People
        ["GET /api/v1/services/users"] = Scope(Scopes.UsersRead),
        ["POST /api/v1/services/users/bulk"] = Scope(Scopes.UsersWrite),
        ["GET /api/v1/services/users/{userId}"] = Scope(Scopes.UsersRead),
        ["PUT /api/v1/services/users/{userId}"] = Scope(Scopes.UsersWrite),
        ["PATCH /api/v1/services/users/{userId}"] = Scope(Scopes.UsersWrite),
        ["DELETE /api/v1/services/users/{userId}"] = Scope(Scopes.UsersErase),
        ["GET /api/v1/services/users/erasures/{jobId}"] = Scope(Scopes.UsersErase),
        ["GET /api/v1/services/users/{userId}/export"] = Scope(Scopes.UsersRead),
        ["POST /api/v1/services/users/import"] = Scope(Scopes.UsersWrite),
        ["GET /api/v1/services/users/import/{jobId}"] = Scope(Scopes.UsersRead),
        ["GET /api/v1/services/users/import/{jobId}/errors"] = Scope(Scopes.UsersRead),
        ["POST /api/v1/services/users/{userId}/token"] = Scope(Scopes.UsersToken),
        ["GET /api/v1/services/users/{userId}/preferences"] = Scope(Scopes.Preferences),
        ["PUT /api/v1/services/users/{userId}/preferences"] = Scope(Scopes.Preferences),
        ["PATCH /api/v1/services/users/{userId}/preferences"] = Scope(Scopes.Preferences),
        ["GET /api/v1/services/users/{userId}/topics"] = Scope(Scopes.TopicsRead),
        ["GET /api/v1/services/topics"] = Scope(Scopes.TopicsRead),
        ["GET /api/v1/services/topics/{key}"] = Scope(Scopes.TopicsRead),
        ["PUT /api/v1/services/topics/{key}"] = Scope(Scopes.TopicsWrite),
        ["DELETE /api/v1/services/topics/{key}"] = Scope(Scopes.TopicsWrite),
        ["GET /api/v1/services/topics/{key}/members"] = Scope(Scopes.TopicsRead),
        ["POST /api/v1/services/topics/{key}/members"] = Scope(Scopes.TopicsWrite),
        ["DELETE /api/v1/services/topics/{key}/members"] = Scope(Scopes.TopicsWrite),
        // Administration
        ["GET /api/v1/admin/api-keys"] = Scope(Admin),
        ["POST /api/v1/admin/api-keys"] = Scope(Admin),
        ["DELETE /api/v1/admin/api-keys/{id}"] = Scope(Admin),
        ["GET /api/v1/admin/audit"] = Scope(Admin),
        ["GET /api/v1/admin/config"] = Scope(Admin),
        ["POST /api/v1/admin/config/push"] = Scope(Admin),
        ["GET /api/v1/admin/categories"] = Scope(Admin),
        ["POST /api/v1/admin/categories"] = Scope(Admin),
        ["GET /api/v1/admin/categories/{key}"] = Scope(Admin),
        ["PUT /api/v1/admin/categories/{key}"] = Scope(Admin),
        ["DELETE /api/v1/admin/categories/{key}"] = Scope(Admin),
        ["GET /api/v1/admin/members"] = Scope(Admin),
        ["POST /api/v1/admin/members/invitations"] = Scope(Admin),
        ["PATCH /api/v1/admin/members/{id}"] = Scope(Admin),
        ["DELETE /api/v1/admin/members/{id}"] = Scope(Admin),
        ["GET /api/v1/admin/providers"] = Scope(Admin),
        ["POST /api/v1/admin/providers"] = Scope(Admin),
        ["GET /api/v1/admin/providers/{id}"] = Scope(Admin),
        ["PATCH /api/v1/admin/providers/{id}"] = Scope(Admin),
        ["DELETE /api/v1/admin/providers/{id}"] = Scope(Admin),
        ["POST /api/v1/admin/providers/{id}/test"] = Scope(Admin),
        ["GET /api/v1/admin/queues"] = Scope(Admin),
        ["GET /api/v1/admin/queues/{queue}/dead"] = Scope(Admin),
        ["POST /api/v1/admin/queues/{queue}/dead/{jobId}/retry"] = Scope(Admin),
        ["DELETE /api/v1/admin/queues/{queue}/dead/{jobId}"] = Scope(Admin),
        ["GET /api/v1/admin/rate-limits"] = Scope(Admin),
        ["PUT /api/v1/admin/rate-limits/{endpointClass}"] = Scope(Admin),
        ["DELETE /api/v1/admin/rate-limits/{endpointClass}"] = Scope(Admin),
        ["GET /api/v1/admin/schemas/workflow.json"] = Scope(Admin),
        ["GET /api/v1/admin/settings"] = Scope(Admin),
        ["PUT /api/v1/admin/settings"] = Scope(Admin),
        ["GET /api/v1/admin/sso"] = Scope(Admin),
        ["PUT /api/v1/admin/sso"] = Scope(Admin),
        ["POST /api/v1/admin/sso/domains/{domain}/verify"] = Scope(Admin),
        ["GET /api/v1/admin/suppressions"] = Scope(Admin),
        ["DELETE /api/v1/admin/suppressions"] = Scope(Admin),
        ["GET /api/v1/admin/templates"] = Scope(Admin),
        ["POST /api/v1/admin/templates"] = Scope(Admin),
        ["GET /api/v1/admin/templates/{id}"] = Scope(Admin),
        ["PUT /api/v1/admin/templates/{id}"] = Scope(Admin),
        ["DELETE /api/v1/admin/templates/{id}"] = Scope(Admin),
        ["GET /api/v1/admin/templates/{id}/versions"] = Scope(Admin),
        ["POST /api/v1/admin/templates/{id}/preview"] = Scope(Admin),
        ["POST /api/v1/admin/templates/{id}/publish"] = Scope(Admin),
        ["POST /api/v1/admin/templates/{id}/rollback"] = Scope(Admin),
        ["POST /api/v1/admin/templates/{id}/test-send"] = Scope(Admin),
        ["GET /api/v1/admin/templates/layouts"] = Scope(Admin),
        ["GET /api/v1/admin/templates/layouts/{name}"] = Scope(Admin),
        ["PUT /api/v1/admin/templates/layouts/{name}"] = Scope(Admin),
        ["DELETE /api/v1/admin/templates/layouts/{name}"] = Scope(Admin),
        ["GET /api/v1/admin/templates/partials"] = Scope(Admin),
        ["GET /api/v1/admin/templates/partials/{name}"] = Scope(Admin),
        ["PUT /api/v1/admin/templates/partials/{name}"] = Scope(Admin),
        ["DELETE /api/v1/admin/templates/partials/{name}"] = Scope(Admin),
        ["GET /api/v1/admin/usage"] = Scope(Admin),
        ["GET /api/v1/admin/analytics"] = Scope(Admin),
        ["GET /api/v1/admin/user-auth/keys"] = Scope(Admin),
        ["POST /api/v1/admin/user-auth/keys"] = Scope(Admin),
        ["DELETE /api/v1/admin/user-auth/keys/{id}"] = Scope(Admin),
        ["GET /api/v1/admin/web-origins"] = Scope(Admin),
        ["PUT /api/v1/admin/web-origins"] = Scope(Admin),
        ["GET /api/v1/admin/webhooks"] = Scope(Admin),
        ["POST /api/v1/admin/webhooks"] = Scope(Admin),
        ["GET /api/v1/admin/webhooks/{id}"] = Scope(Admin),
        ["PATCH /api/v1/admin/webhooks/{id}"] = Scope(Admin),
        ["DELETE /api/v1/admin/webhooks/{id}"] = Scope(Admin),
        ["GET /api/v1/admin/webhooks/{id}/deliveries"] = Scope(Admin),
        ["POST /api/v1/admin/webhooks/{id}/deliveries/{deliveryId}/replay"] = Scope(Admin),
        ["POST /api/v1/admin/webhooks/{id}/rotate-secret"] = Scope(Admin),
        ["POST /api/v1/admin/webhooks/{id}/test"] = Scope(Admin),
        ["GET /api/v1/admin/workflows"] = Scope(Admin),
        ["POST /api/v1/admin/workflows"] = Scope(Admin),
        ["POST /api/v1/admin/workflows/validate"] = Scope(Admin),
        ["POST /api/v1/admin/workflows/validate/steps"] = Scope(Admin),
        ["GET /api/v1/admin/workflows/{key}"] = Scope(Admin),
        ["PUT /api/v1/admin/workflows/{key}"] = Scope(Admin),
        ["DELETE /api/v1/admin/workflows/{key}"] = Scope(Admin),
        ["GET /api/v1/admin/workflows/{key}/versions"] = Scope(Admin),
        ["GET /api/v1/admin/workflows/{key}/versions/{version}"] = Scope(Admin),
        ["POST /api/v1/admin/workflows/{key}/publish"] = Scope(Admin),
        ["POST /api/v1/admin/workflows/{key}/rollback"] = Scope(Admin),
        ["POST /api/v1/admin/workflows/{key}/test-runs"] = Scope(Admin),   // sandboxed sends only: the admin routes' scope
        // End users (their own token, never an API key)
        ["GET /api/v1/users/me/devices"] = EndUser,
        ["POST /api/v1/users/me/devices"] = EndUser,
        ["DELETE /api/v1/users/me/devices"] = EndUser,
        ["GET /api/v1/users/me/notifications"] = EndUser,
        ["GET /api/v1/users/me/notifications/unread-count"] = EndUser,
        ["POST /api/v1/users/me/notifications/mark-all-read"] = EndUser,
        ["POST /api/v1/users/me/notifications/archive"] = EndUser,
        ["POST /api/v1/users/me/notifications/delete"] = EndUser,
        ["POST /api/v1/users/me/notifications/read"] = EndUser,
        ["POST /api/v1/users/me/notifications/seen"] = EndUser,
        ["POST /api/v1/users/me/notifications/unarchive"] = EndUser,
        ["POST /api/v1/users/me/notifications/unread"] = EndUser,
        ["GET /api/v1/users/me/notifications/{id}"] = EndUser,
        ["DELETE /api/v1/users/me/notifications/{id}"] = EndUser,
        ["POST /api/v1/users/me/notifications/{id}/archive"] = EndUser,
        ["POST /api/v1/users/me/notifications/{id}/click"] = EndUser,
        ["POST /api/v1/users/me/notifications/{id}/delete"] = EndUser,
        ["POST /api/v1/users/me/notifications/{id}/read"] = EndUser,
        ["PATCH /api/v1/users/me/notifications/{id}/read"] = EndUser,
        ["POST /api/v1/users/me/notifications/{id}/seen"] = EndUser,
        ["POST /api/v1/users/me/notifications/{id}/unarchive"] = EndUser,
        ["POST /api/v1/users/me/notifications/{id}/unread"] = EndUser,
        ["PATCH /api/v1/users/me/notifications/{id}/unread"] = EndUser,
        ["GET /api/v1/users/me/preferences"] = EndUser,
        ["PUT /api/v1/users/me/preferences"] = EndUser,
        ["PATCH /api/v1/users/me/preferences"] = EndUser,
        ["GET /api/v1/users/me/profile"] = EndUser,
        ["PATCH /api/v1/users/me/profile"] = EndUser,
        ["GET /api/v1/users/me/stream"] = EndUser,
        ["POST /api/v1/users/me/stream-ticket"] = EndUser,
        // The platform (the operator running the service for many tenants): its own key, never a tenant's
        ["GET /api/v1/platform/tenants"] = Access.Platform,
        ["POST /api/v1/platform/tenants"] = Access.Platform,
        ["GET /api/v1/platform/tenants/{id}"] = Access.Platform,
        ["PATCH /api/v1/platform/tenants/{id}"] = Access.Platform,
        ["POST /api/v1/platform/tenants/{id}/suspend"] = Access.Platform,
        ["POST /api/v1/platform/tenants/{id}/resume"] = Access.Platform,
        ["DELETE /api/v1/platform/tenants/{id}"] = Access.Platform,
        ["GET /api/v1/platform/tenants/{id}/export"] = Access.Platform,
        ["POST /api/v1/platform/tenants/{id}/import"] = Access.Platform,
        ["POST /api/v1/platform/tenants/{id}/exports"] = Access.Platform,
        ["GET /api/v1/platform/tenants/{id}/exports/{jobId}"] = Access.Platform,
        ["GET /api/v1/platform/tenants/{id}/exports/{jobId}/document"] = Access.Platform,
        ["GET /api/v1/platform/tenants/{id}/imports/{jobId}"] = Access.Platform,
        ["GET /api/v1/platform/deletions/{id}"] = Access.Platform,
        // Provider callbacks: no credential; each is verified by its provider's signature
        ["POST /webhooks/sendgrid/{providerConfigId}"] = Public,
        ["POST /webhooks/twilio/{providerConfigId}"] = Public,
        ["GET /webhooks/whatsapp/{providerConfigId}"] = Public,
        ["POST /webhooks/whatsapp/{providerConfigId}"] = Public,
    };

    /// <summary>
    /// The MCP server's tools (`/mcp`, Features/Agents/Mcp) by name: a key sees and calls a tool only with its row's scopes.
    /// Reads need what the matching API read needs; cancelling a run needs `notifications:send`, as the API's cancel does. A
    /// tool without a row fails the MCP spec that lists the registered tools against this table.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Access> Tools = new Dictionary<string, Access>
    {
        ["find_notifications"] = Scope(Read),
        ["explain_notification"] = Scope(Read),
        ["get_workflow_run"] = Scope(Read),
        ["list_workflows"] = Scope(Admin),
        ["queue_health"] = Scope(Admin),
        ["usage"] = Scope(Admin),
        ["cancel_run"] = Scope(Send),
        ["preview_template"] = Scope(Admin),          // as the API's preview
        ["send_test"] = Scope(Admin),                 // as the API's test send
        ["trigger_workflow_test"] = Scope(Send),      // as the API's trigger
    };

    /// <summary>
    /// What a scope contains beyond itself: `admin` stands for every scope. Every check of what a caller holds (may it call
    /// an operation, set a field, grant a scope to a new key) asks <see cref="Covers"/>, so none can read `admin` narrower.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Containment = new Dictionary<string, string[]>
    {
        [Admin] = Scopes.All,
    };

    /// <summary>Whether the scopes held cover <paramref name="scope"/>: one of them is it or contains it.</summary>
    public static bool Covers(IEnumerable<string> held, string scope) =>
        held.Any(h => h == scope || (Containment.TryGetValue(h, out var contained) && contained.Contains(scope)));

    /// <summary>A request field that writes beyond its operation's scope, and the scope that write needs.</summary>
    public sealed record WritingField(string Field, string Scope, string[] Operations);

    public static readonly IReadOnlyList<WritingField> Fields =
    [
        new("recipient.profile", Scopes.UsersWrite, ["POST /api/v1/services/notifications/send"]),
        new("recipients[].profile", Scopes.UsersWrite, ["POST /api/v1/services/workflows/{key}/trigger"]),
        new("overridePreferences", Scopes.Override, ["POST /api/v1/services/notifications/send",
            "POST /api/v1/services/notifications/send-batch", "POST /api/v1/services/notifications/bulk/csv"]),
    ];

    /// <summary>`GET /api/v1/admin/templates/{id:guid}/` → `GET /api/v1/admin/templates/{id}`: the document's spelling.</summary>
    public static string KeyOf(string method, string route) =>
        $"{method.ToUpperInvariant()} {System.Text.RegularExpressions.Regex.Replace(route, @"\{(\*{0,2})([A-Za-z0-9_]+)[^}]*\}", "{$2}").TrimEnd('/')}";
}
