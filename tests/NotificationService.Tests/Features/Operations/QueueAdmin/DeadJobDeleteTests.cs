using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.QueueAdmin;

[Collection("service")]
public class DeadJobDeleteTests(ServiceFixture service)
{
    [Fact]
    public async Task A_dead_job_is_deleted_once_by_its_own_tenant_and_the_deletion_is_audited()
    {
        var tenant = await service.NewTenantAsync("""{"permanentRate": 1}""", "email");
        var id = await service.SendToDeadJobAsync(tenant);
        var job = (await tenant.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/queues/email/dead"))!.Single()!["id"]!.GetValue<long>();
        var other = await service.NewTenantAsync(channels: "email");

        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"/api/v1/admin/queues/email/dead/{job}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"/api/v1/admin/queues/email/dead/{job}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.DeleteAsync($"/api/v1/admin/queues/email/dead/{job}")).StatusCode);
        Assert.Empty((await tenant.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/queues/email/dead"))!);
        Assert.Contains("dead_job.delete", await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=job"));
    }
}
