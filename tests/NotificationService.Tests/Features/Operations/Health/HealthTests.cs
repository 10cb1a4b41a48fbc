using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Health;

[Collection("service")]
public class HealthTests(ServiceFixture service)
{
    [Fact]
    public async Task Live_answers_and_ready_reports_postgres_migrations_and_workers()
    {
        var http = service.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonNode>())!["checks"]!.AsObject();
        Assert.Equal(["migrations", "postgres", "startup", "workers"], checks.Select(c => c.Key).Order());
        Assert.All(checks, c => Assert.Equal("ok", c.Value!.GetValue<string>()));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_send_endpoint()
    {
        var doc = (await service.Factory.CreateClient().GetFromJsonAsync<JsonNode>("/openapi/v1.json"))!;
        Assert.NotNull(doc["paths"]!["/api/v1/services/notifications/send"]!["post"]);
        Assert.NotNull(doc["paths"]!["/api/v1/services/notifications/send-batch"]);
    }
}
