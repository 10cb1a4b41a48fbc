using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace NotificationService.Infrastructure;

/// <summary>The document-wide parts: the API-key security scheme, tag descriptions, and a server without a trailing slash.</summary>
internal sealed class ApiDocsDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string ApiKeyScheme = "apiKey";
    public const string EndUserScheme = "endUserToken";
    public const string PlatformScheme = "platformKey";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Notifications"] = "Send one notification, read its status and history, cancel it before a worker claims it.",
        ["Batches"] = "Send up to 1,000 recipients in one request and follow the batch.",
        ["Bulk CSV"] = "Upload a CSV of recipients; the job reports counts while it enqueues, and the rows it rejected.",
        ["Devices"] = "Push device tokens of a tenant's users.",
        ["Admin: templates"] = "Tenant templates with versions, partials and layouts; preview and test-send.",
        ["Providers"] = "The tenant's provider configurations per channel, in priority order.",
        ["Admin: queues"] = "Queue depths and dead jobs of the tenant.",
        ["Admin: suppressions"] = "Addresses that bounced or complained, and are not sent to.",
        ["Admin: webhooks"] = "Signed webhook endpoints that receive status changes.",
        ["Provider callbacks"] = "Delivery statuses posted by providers (signature-checked, no API key).",
        ["Admin: usage"] = "The tenant's notifications per day and channel, by the status they reached.",
        ["Rate limits"] = "Per-tenant request limits per endpoint class.",
        ["End users: tokens"] = "A backend mints short-lived tokens for its signed-in users (scope users:token).",
        ["Admin: end-user token keys"] =
            "Keys a tenant's own backend signs end-user tokens with: HS256 secret, RS256/ES256 public key, JWKS URL.",
        ["End users: inbox"] = "The signed-in user's in-app inbox, exact unread counts, and the live stream (SSE).",
        ["End users: devices"] = "The signed-in user's push devices.",
        ["Recipients"] = "Recipient profiles (addresses, name, locale, time zone, data): identify one or 1,000 users; "
            + "a send by userId resolves the address at delivery.",
        ["End users: profile"] = "The signed-in user's own profile: name, locale and time zone.",
        ["Platform: tenants"] = "The operator's API: create, list, change the limits of, suspend and resume tenants (a platform key).",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Description ??= "Multi-tenant notification delivery: email, SMS, push, WhatsApp and in-app.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "nsk_ API key",
            Description = "A tenant's service-account key: `Authorization: Bearer nsk_…`. Each route needs one scope.",
        };
        document.Components.SecuritySchemes[EndUserScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An end user's token (`iss` = tenant id, `sub` = userId, `aud` = notification-service, `exp` at most 24 h): "
                + "minted by `POST /api/v1/services/users/{userId}/token` or signed by the tenant's backend with a registered key. "
                + "Reaches `/api/v1/users/me/*` only. The stream also takes `?ticket=` from `POST /api/v1/users/me/stream-ticket`.",
        };
        document.Components.SecuritySchemes[PlatformScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "nsp_ platform key",
            Description = "The operator's platform key (`Platform:Keys`, or made by `platform keys create`): "
                + "`Authorization: Bearer nsp_…`. "
                + "Reaches `/api/v1/platform/*` only; without one those routes answer 404.",
        };
        foreach (var server in document.Servers ?? [])
            server.Url = server.Url?.TrimEnd('/');
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var (name, description) in TagDescriptions)
        {
            if (document.Tags.FirstOrDefault(t => t.Name == name) is { } tag) tag.Description = description;
        }
        foreach (var (name, schema) in document.Components.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            ApiDocsSchemas.Tighten(name, schema);
        return Task.CompletedTask;
    }
}
