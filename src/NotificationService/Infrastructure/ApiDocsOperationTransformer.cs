using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace NotificationService.Infrastructure;

/// <summary>
/// Per operation: the security requirement (from the endpoint's authorization metadata), an operation id derived
/// from method and route, and the ProblemDetails answers the pipeline gives every such route: 401/403/429 when a
/// key is required, 404 when the route names an object, 400 when it takes a body.
/// </summary>
internal sealed class ApiDocsOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var route = "/" + (description.RelativePath ?? "").TrimStart('/');
        var method = description.HttpMethod ?? "GET";
        var authorized = description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any()
            && !description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();

        // End-user routes take the user's JWT, never an API key (and the other way round).
        var endUser = description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any(a => a.Policy == Contracts.EndUser.Policy);
        // Platform routes take the operator's key, and hide from everyone else: a 404, never a 401 or 403.
        var platform = description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>()
            .Any(a => a.Policy == Features.Tenancy.Auth.Access.PlatformPolicy);

        operation.OperationId ??= OperationId(method, route);
        // A date-time query parameter binds through UtcQueryTime.TryParse, which the generator only sees as "a string".
        foreach (var p in description.ParameterDescriptions
            .Where(p => p.Type is { } t && (Nullable.GetUnderlyingType(t) ?? t) == typeof(UtcQueryTime)))
            if (operation.Parameters?.FirstOrDefault(o => o.Name == p.Name)?.Schema is OpenApiSchema schema) schema.Format = "date-time";
        var scheme = platform ? ApiDocsDocumentTransformer.PlatformScheme
            : endUser ? ApiDocsDocumentTransformer.EndUserScheme : ApiDocsDocumentTransformer.ApiKeyScheme;
        operation.Security = authorized
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }]
            : [];
        operation.Responses ??= new OpenApiResponses();
        if (authorized && platform)
            Problem(operation, "404", "No platform key, or one that is unknown or revoked (also when no platform key is configured: "
                + "the platform API is off), or no such tenant.");
        else if (authorized && endUser)
        {
            Problem(operation, "401", "No end-user token, or one that is expired, badly signed or from an unknown issuer "
                + "(`WWW-Authenticate: Bearer error=\"invalid_token\"`).");
            Problem(operation, "403", "The user's tenant is suspended by the service's operator.");
        }
        else if (authorized)
        {
            Problem(operation, "401", "No API key, or a key that is unknown or revoked.");
            // The policy's name is the scope table's rule for this route (`notifications:send`, `… and …`, `… or …`).
            var scopes = description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy)
                .LastOrDefault(p => p is not null);
            Problem(operation, "403", scopes is null
                ? "The key lacks the scope this route needs."
                : $"The key lacks the scope this route needs: {scopes}.");
            Problem(operation, "429", "The tenant's rate limit for this endpoint class is spent; see Retry-After.");
        }
        if (route.Contains('{')) Problem(operation, "404", "No such object in the caller's tenant.");
        var takesBody = operation.RequestBody is not null;
        if (takesBody || method is "POST" or "PUT" or "PATCH" || operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true)
            Problem(operation, "400", "The request is invalid; the problem names the field or query parameter.");
        if (takesBody)
        {
            Problem(operation, "413", "The body is larger than this endpoint takes.");
            Problem(operation, "415", "The body is not in the media type (or charset) the endpoint reads.");
        }
        return Task.CompletedTask;
    }

    internal static void Problem(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status)) return;
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = ProblemSchema } },
        };
    }

    private static readonly OpenApiSchema ProblemSchema = new()
    {
        Type = JsonSchemaType.Object,
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["errors"] = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null },
        },
    };

    /// <summary>`POST /api/v1/admin/templates/{id}/publish` → `postAdminTemplatesByIdPublish`: stable and unique per route.</summary>
    internal static string OperationId(string method, string route)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        foreach (var segment in route.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment is "api" or "v1") continue;
            var name = segment.StartsWith('{') ? "By" + segment.Trim('{', '}').Split(':')[0] : segment;
            foreach (var word in name.Split('-', '_'))
                if (word.Length > 0) id.Append(char.ToUpperInvariant(word[0])).Append(word[1..]);
        }
        return id.ToString();
    }
}
