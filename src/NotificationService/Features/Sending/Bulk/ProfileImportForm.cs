using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>The profile import's multipart form as the OpenAPI document shows it (the upload is streamed, not bound).</summary>
internal static class ProfileImportForm
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary",
                                Description = "The CSV, header row first: user_id (required), email, phone, name, locale, timezone, "
                                    + "avatar_url; any other column (or data.<key>) goes into data." },
                            ["mode"] = new OpenApiSchema { Type = JsonSchemaType.String,
                                Enum = [JsonValue.Create("replace")!, JsonValue.Create("merge")!],
                                Description = "replace (default): each row is the whole profile; merge: each row is a JSON Merge Patch "
                                    + "of the stored profile (empty cells change nothing)." },
                        },
                    },
                },
            },
        };
        ApiDocsOperationTransformer.Problem(operation, "413", "The file is larger than Bulk:MaxFileBytes.");
        ApiDocsOperationTransformer.Problem(operation, "415", "Not multipart/form-data with a `file` part.");
        return Task.CompletedTask;
    }
}
