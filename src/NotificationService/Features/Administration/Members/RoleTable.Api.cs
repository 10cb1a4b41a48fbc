namespace NotificationService.Features.Administration.Members;

public static partial class RoleTable
{
    /// <summary>
    /// Every admin API operation (`METHOD /route` as the API document spells it) and the area a member needs for it, when
    /// they call it with a member token (keys keep their scopes). Reads are `Read` except where the console's own page is
    /// not (audit, API keys, members) and where the answer holds people's addresses unmasked (suppressions, webhook
    /// deliveries: the API cannot mask for viewers as the console does, so those reads are for operators and up).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Area> Api = new Dictionary<string, Area>
    {
        ["GET /api/v1/admin/api-keys"] = Area.Settings,
        ["POST /api/v1/admin/api-keys"] = Area.Settings,
        ["DELETE /api/v1/admin/api-keys/{id}"] = Area.Settings,
        ["GET /api/v1/admin/audit"] = Area.Settings,
        ["GET /api/v1/admin/config"] = Area.Read,
        ["POST /api/v1/admin/config/push"] = Area.Content,     // templates, workflows, categories, topics: the content roles' objects
        ["GET /api/v1/admin/categories"] = Area.Read,
        ["POST /api/v1/admin/categories"] = Area.Content,
        ["GET /api/v1/admin/categories/{key}"] = Area.Read,
        ["PUT /api/v1/admin/categories/{key}"] = Area.Content,
        ["DELETE /api/v1/admin/categories/{key}"] = Area.Content,
        ["GET /api/v1/admin/members"] = Area.Members,
        ["POST /api/v1/admin/members/invitations"] = Area.Members,
        ["PATCH /api/v1/admin/members/{id}"] = Area.Members,
        ["DELETE /api/v1/admin/members/{id}"] = Area.Members,
        ["GET /api/v1/admin/providers"] = Area.Read,
        ["POST /api/v1/admin/providers"] = Area.Settings,
        ["GET /api/v1/admin/providers/{id}"] = Area.Read,
        ["PATCH /api/v1/admin/providers/{id}"] = Area.Settings,
        ["DELETE /api/v1/admin/providers/{id}"] = Area.Settings,
        ["POST /api/v1/admin/providers/{id}/test"] = Area.Settings,
        ["GET /api/v1/admin/queues"] = Area.Read,
        ["GET /api/v1/admin/queues/{queue}/dead"] = Area.Read,
        ["POST /api/v1/admin/queues/{queue}/dead/{jobId}/retry"] = Area.Operations,
        ["DELETE /api/v1/admin/queues/{queue}/dead/{jobId}"] = Area.Operations,
        ["GET /api/v1/admin/rate-limits"] = Area.Read,
        ["PUT /api/v1/admin/rate-limits/{endpointClass}"] = Area.Settings,
        ["DELETE /api/v1/admin/rate-limits/{endpointClass}"] = Area.Settings,
        ["GET /api/v1/admin/schemas/workflow.json"] = Area.Read,
        ["GET /api/v1/admin/settings"] = Area.Read,
        ["PUT /api/v1/admin/settings"] = Area.Settings,
        ["GET /api/v1/admin/sso"] = Area.Read,
        ["PUT /api/v1/admin/sso"] = Area.SignInPolicy,
        ["POST /api/v1/admin/sso/domains/{domain}/verify"] = Area.SignInPolicy,
        ["GET /api/v1/admin/suppressions"] = Area.Operations,
        ["DELETE /api/v1/admin/suppressions"] = Area.Operations,
        ["GET /api/v1/admin/templates"] = Area.Read,
        ["POST /api/v1/admin/templates"] = Area.Content,
        ["GET /api/v1/admin/templates/{id}"] = Area.Read,
        ["PUT /api/v1/admin/templates/{id}"] = Area.Content,
        ["DELETE /api/v1/admin/templates/{id}"] = Area.Content,
        ["GET /api/v1/admin/templates/{id}/versions"] = Area.Read,
        ["POST /api/v1/admin/templates/{id}/preview"] = Area.Read,        // renders, stores nothing
        ["POST /api/v1/admin/templates/{id}/publish"] = Area.Content,
        ["POST /api/v1/admin/templates/{id}/rollback"] = Area.Content,
        ["POST /api/v1/admin/templates/{id}/test-send"] = Area.Content,
        ["GET /api/v1/admin/templates/layouts"] = Area.Read,
        ["GET /api/v1/admin/templates/layouts/{name}"] = Area.Read,
        ["PUT /api/v1/admin/templates/layouts/{name}"] = Area.Content,
        ["DELETE /api/v1/admin/templates/layouts/{name}"] = Area.Content,
        ["GET /api/v1/admin/templates/partials"] = Area.Read,
        ["GET /api/v1/admin/templates/partials/{name}"] = Area.Read,
        ["PUT /api/v1/admin/templates/partials/{name}"] = Area.Content,
        ["DELETE /api/v1/admin/templates/partials/{name}"] = Area.Content,
        ["GET /api/v1/admin/usage"] = Area.Read,
        ["GET /api/v1/admin/analytics"] = Area.Read,
        ["GET /api/v1/admin/user-auth/keys"] = Area.Read,
        ["POST /api/v1/admin/user-auth/keys"] = Area.Settings,
        ["DELETE /api/v1/admin/user-auth/keys/{id}"] = Area.Settings,
        ["GET /api/v1/admin/web-origins"] = Area.Read,
        ["PUT /api/v1/admin/web-origins"] = Area.Settings,
        ["GET /api/v1/admin/webhooks"] = Area.Read,
        ["POST /api/v1/admin/webhooks"] = Area.Settings,
        ["GET /api/v1/admin/webhooks/{id}"] = Area.Read,
        ["PATCH /api/v1/admin/webhooks/{id}"] = Area.Settings,
        ["DELETE /api/v1/admin/webhooks/{id}"] = Area.Settings,
        ["GET /api/v1/admin/webhooks/{id}/deliveries"] = Area.Operations,
        ["POST /api/v1/admin/webhooks/{id}/deliveries/{deliveryId}/replay"] = Area.Operations,
        ["POST /api/v1/admin/webhooks/{id}/rotate-secret"] = Area.Settings,
        ["POST /api/v1/admin/webhooks/{id}/test"] = Area.Settings,
        ["GET /api/v1/admin/workflows"] = Area.Read,
        ["POST /api/v1/admin/workflows"] = Area.Content,
        ["POST /api/v1/admin/workflows/validate"] = Area.Read,            // checks a definition, stores nothing
        ["POST /api/v1/admin/workflows/validate/steps"] = Area.Read,      // the same check, its problems per step
        ["GET /api/v1/admin/workflows/{key}"] = Area.Read,
        ["PUT /api/v1/admin/workflows/{key}"] = Area.Content,
        ["DELETE /api/v1/admin/workflows/{key}"] = Area.Content,
        ["GET /api/v1/admin/workflows/{key}/versions"] = Area.Read,
        ["GET /api/v1/admin/workflows/{key}/versions/{version}"] = Area.Read,
        ["POST /api/v1/admin/workflows/{key}/publish"] = Area.Content,
        ["POST /api/v1/admin/workflows/{key}/rollback"] = Area.Content,
        ["POST /api/v1/admin/workflows/{key}/test-runs"] = Area.Content,        // as the console's test trigger and test sends
    };
}
