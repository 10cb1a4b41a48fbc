using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Tests.Features.Sending.Bulk;

/// <summary>Helpers for bulk tests: a template to send with, the multipart upload, waiting for the job.</summary>
public static class BulkCsv
{
    public const string Upload = "/api/v1/services/notifications/bulk/csv";

    public static async Task AddOrderTemplateAsync(NpgsqlDataSource db, Guid tenantId)
    {
        await using var cmd = db.CreateCommand("""
            with t as (insert into templates (id, tenant_id, key, channel, locale, published_version_id) values (gen_random_uuid(), $1, 'order', 'email', 'en', $2) returning id)
            insert into template_versions (id, template_id, tenant_id, version, parts)
            select $2, id, $1, 1, '{"subject": "Order {{order_id}} for {{first_name}}", "html": "<p>Hi {{first_name}}</p>"}' from t
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Guid.NewGuid());
        await cmd.ExecuteNonQueryAsync();
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, byte[] file, string channel = "email", string template = "order", bool dryRun = false, string? mapping = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(channel), "channel" },
            { new StringContent(template), "template" },
            { new StringContent(dryRun ? "true" : "false"), "dryRun" },
        };
        if (mapping is not null) form.Add(new StringContent(mapping), "mapping");
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", "contacts.csv");
        return http.PostAsync(Upload, form);
    }

    public static byte[] Utf8(string text, bool bom = false) =>
        bom ? [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);

    public static async Task<JsonNode> WaitFinishedAsync(HttpClient http, Guid jobId, int timeoutMs = 30_000)
    {
        return await Eventually.Async(async () => (await http.GetFromJsonAsync<JsonNode>($"/api/v1/services/notifications/bulk/{jobId}"))!,
            s => s["status"]!.GetValue<string>() is "completed" or "failed" or "cancelled", $"bulk job {jobId} to finish", TimeSpan.FromMilliseconds(timeoutMs));
    }
}
