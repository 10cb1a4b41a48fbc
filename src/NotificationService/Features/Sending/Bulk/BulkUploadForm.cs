using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// The upload's multipart form as the OpenAPI document shows it. `BulkUpload` streams the body itself (no form
/// binding, so a 1 GB file is never buffered), which is why the generator cannot see these fields.
/// </summary>
internal static class BulkUploadForm
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
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
                        Required = new HashSet<string> { "file", "channel", "template" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary",
                                Description = "The CSV, header row first (the last part of the form)." },
                            ["channel"] = Text("The channel every row is sent on."),
                            ["template"] = Text("A published template key; CSV columns fill its variables."),
                            ["locale"] = Text("Template locale for rows without a locale column."),
                            ["priority"] = Text("high, normal (default) or low."),
                            ["mapping"] = Text("JSON object: CSV column → recipient field (email, phone, user_id, device_token, locale)."),
                            ["dryRun"] = Text("true: validate and report, send nothing."),
                            ["category"] = Text("A tenant notification category for every row (default: the tenant's default category)."),
                            ["overridePreferences"] = Text(
                                "true: deliver past opt-outs and quiet hours (needs the notifications:override scope)."),
                        },
                    },
                },
            },
        };
        // Set here, after the generic transformer ran on an operation with no body yet.
        ApiDocsOperationTransformer.Problem(operation, "413", "The file is larger than Bulk:MaxFileBytes.");
        ApiDocsOperationTransformer.Problem(operation, "415", "Not multipart/form-data with a `file` part.");
        return Task.CompletedTask;
    }
}
