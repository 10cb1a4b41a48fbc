using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Cli;

/// <summary>What the push specs share: a tenant with one of each pushed object, and a fingerprint of its configuration rows.</summary>
internal static class ConfigPushTenants
{
    /// <summary>A layout, a template using it (subject needs `number`, html `total`), a published workflow and a category.</summary>
    public static async Task<TestTenant> SeededTenantAsync(this PlatformFixture service)
    {
        var tenant = await service.NewTenantAsync();
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/layouts/frame", new { source = "<main>{{{body}}}</main>" }), 201);
        await tenant.Http.CreateTemplateAsync(new
        {
            key = "receipt", channel = "email", locale = "en", layout = "frame",
            parts = new { subject = "Receipt {{number}}", html = "<p>Total {{total}}</p>" },
        });
        await tenant.Http.PublishWorkflowAsync("""{"key":"nudge","name":"Nudge","steps":[{"id":"a","type":"send","channel":"email","template":"receipt"}]}""");
        await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" }), 201);
        return tenant;
    }

    public static async Task<JsonNode> TemplateAsync(HttpClient http, string key) =>
        (await http.GetJsonAsync($"{TemplateApi.Root}?key={key}"))["items"]!.AsArray().Single()!;

    /// <summary>Every configuration row of the tenant, with each fragment's and category's update time: equal means nothing was written.</summary>
    public static async Task<string> CountsAsync(this PlatformFixture service, Guid tenantId)
    {
        await using var cmd = service.Db.CreateCommand("""
            select (select count(*) from template_versions where tenant_id = $1) || '/' ||
                   (select count(*) from workflow_versions where tenant_id = $1) || '/' ||
                   (select coalesce(string_agg(name || updated_at::text, ',' order by name), '') from template_fragments where tenant_id = $1) || '/' ||
                   (select coalesce(string_agg(key || updated_at::text, ',' order by key), '') from notification_categories where tenant_id = $1) || '/' ||
                   (select count(*) from topics where tenant_id = $1) || '/' ||
                   (select coalesce(string_agg(id::text || coalesce(published_version_id::text, ''), ',' order by id), '') from templates where tenant_id = $1)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<long> AuditRowsAsync(this PlatformFixture service, Guid tenantId, string action)
    {
        await using var cmd = service.Db.CreateCommand("select count(*) from audit_log where tenant_id = $1 and action = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(action);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>A tree directory of the spec's own, deleted after.</summary>
internal sealed class TreeDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("ns-cli-push-").FullName;
    public void Write(string relative, string content) => File.WriteAllText(System.IO.Path.Combine(Path, relative), content);
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
