using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Notifications;
using NotificationService.Tests.Features.Sending.Templates;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>A tenant with <see cref="Readers"/> recipients and the comment digest (first and last <see cref="Keep"/>), on a
/// host of the given mode over a <see cref="DatabaseCounters"/> cluster: the ground the digest budget specs count on.</summary>
public abstract class DigestBudgetSpec(DatabaseCounters counters)
{
    protected const int Readers = 100, Keep = 3;

    protected DatabaseCounters Counters => counters;

    protected async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = counters.Db.CreateCommand("/* counters */ " + sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    protected async Task<HttpClient> TenantAsync(WebApplicationFactory<Program> host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<TenantStore>().CreateTenantAsync("digest budget", default);
        await using (var cmd = counters.Db.CreateCommand(
            "insert into providers (id, tenant_id, channel, kind, name, priority, settings) values (gen_random_uuid(), $1, 'email', 'sandbox', 'sandbox', 100, '{}')"))
        {
            cmd.Parameters.AddWithValue(created.TenantId);
            await cmd.ExecuteNonQueryAsync();
        }
        var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.ApiKey);
        await http.CreateTemplateAsync(new { key = "comments", channel = "email", locale = "en", parts = new { subject = "{{steps.batch.count}} new comments", text = "t" } });
        for (var i = 0; i < Readers; i++) await http.IdentifyAsync($"reader-{i}", new { email = $"reader-{i}@example.com" });
        await http.PublishWorkflowAsync(DigestApi.Flow(
            $$$"""{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"},"keep":{"first":{{{Keep}}},"last":{{{Keep}}}}}""", DigestApi.Mail));
        return http;
    }

    // Mode=api (the default here): no worker, so what is counted is the triggers' own writes.
    protected WebApplicationFactory<Program> Host(string mode = "api") => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting("ConnectionStrings:Postgres", counters.ConnectionString);
        b.UseSetting("Mode", mode);
        b.UseSetting("Secrets:Keys:test", Convert.ToBase64String(new byte[32]));
        b.UseSetting("Logging:LogLevel:Default", "Warning");
    });
}
