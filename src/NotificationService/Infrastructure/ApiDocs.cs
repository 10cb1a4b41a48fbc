namespace NotificationService.Infrastructure;

/// <summary>OpenAPI document at /openapi/v1.json and Swagger UI at /swagger.</summary>
public static class ApiDocs
{
    public static IServiceCollection AddApiDocs(this IServiceCollection services) => services.AddOpenApi();

    public static void MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.UseSwaggerUI(o => o.SwaggerEndpoint("/openapi/v1.json", "NotificationService v1"));
    }
}
