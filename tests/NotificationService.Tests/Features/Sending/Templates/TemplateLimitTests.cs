using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>
/// Issue 28, findings 1 and 2, through the API as a tenant would try them. 2,000 nested <c>{{#each}}</c> from a key that
/// may only send: on the base commit the send was a 202 and the worker then died of a stack overflow in Handlebars.Net's
/// compiler at every restart; through the admin API the process died without answering. (Running that here would kill
/// the test host: it was shown on the base commit with a scratch console program calling <c>TemplateEngine.Validate</c>,
/// which died with "Stack overflow.".) Now every way in answers a 4xx naming the field, the line and the limit, nothing
/// is stored, and the same process goes on to deliver a normal send. A template past the limits that reached the store
/// by another road fails its notifications permanently instead of crashing the worker.
/// </summary>
[Collection("service")]
public class TemplateLimitTests(ServiceFixture service)
{
    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    private static readonly string DeepEach = Repeat("{{#each a}}", 2_000) + "x" + Repeat("{{/each}}", 2_000);
    private static readonly string NestedIf = Repeat("{{#if a}}", 10_000) + "x" + Repeat("{{/if}}", 10_000);
    private static readonly string SequentialIf = Repeat("{{#if a}}x{{/if}}", 10_000);

    private static object InlineSend(string html) => new
    {
        channel = "email", recipient = new { email = "ada@example.com" }, content = new { subject = "s", html }, data = new { a = new[] { 1 } },
    };

    private static async Task<(JsonNode Problem, string Message)> Refused(HttpResponseMessage response, string field, int status = 422)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text[..Math.Min(400, text.Length)]}");
        var problem = JsonNode.Parse(text)!;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var messages = problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.All(messages, m => Assert.StartsWith("Line 1, column ", m));
        var message = string.Join(" | ", messages);
        Assert.StartsWith(field + " at line 1, column ", problem["detail"]!.GetValue<string>());
        return (problem, message);
    }

    [Fact]
    public async Task The_2000_deep_each_is_refused_on_every_way_in_and_the_process_goes_on_delivering()
    {
        var tenant = await service.NewTenantAsync();
        var sender = service.Client(await tenant.CreateSendOnlyKeyAsync());

        var (_, send) = await Refused(await sender.PostJsonAsync(Api.Send, InlineSend(DeepEach)), "content.html");
        Assert.Contains("more than 64 levels", send);
        var (_, batch) = await Refused(await sender.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "email", content = new { subject = "s", html = DeepEach }, data = new { a = new[] { 1 } },
            recipients = new[] { new { email = "a@example.com" }, new { email = "b@example.com" } },
        }), "content.html");
        Assert.Contains("more than 64 levels", batch);

        // The CSV endpoint sends a stored template: an admin creating this one is refused, so there is none to name.
        var (_, created) = await Refused(await tenant.Http.PostJsonAsync(TemplateApi.Root, new
        {
            key = "deep", channel = "email", locale = "en", parts = new { subject = "s", html = DeepEach },
        }), "parts.html");
        Assert.Contains("at most 64", created);
        var csv = await BulkCsv.PostAsync(sender, BulkCsv.Utf8("email\na@example.com\n"), template: "deep");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, csv.StatusCode);
        Assert.Contains("No published template 'deep'", (await csv.JsonAsync())["errors"]!["template"]![0]!.GetValue<string>());

        var existing = await tenant.Http.CreateTemplateAsync(new { key = "fine", channel = "email", locale = "en", parts = new { subject = "s", html = "ok" } });
        await Refused(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/{existing.Id()}", new { parts = new { subject = "s", html = DeepEach } }), "parts.html");
        await Refused(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/partials/deep", new { source = DeepEach }), "source");
        await Refused(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/layouts/deep", new { source = "{{{body}}}" + DeepEach }), "source");
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from template_versions where tenant_id = $1", tenant.Id));

        var id = await sender.SendOkAsync(Api.Email());
        await service.Ledger.WaitForAsync(id, "sent");
    }

    [Fact]
    public async Task Ten_thousand_ifs_nested_or_in_a_row_are_refused_naming_the_limit()
    {
        var tenant = await service.NewTenantAsync();
        var sender = service.Client(await tenant.CreateSendOnlyKeyAsync());

        Assert.Contains("more than 64 levels", (await Refused(await sender.PostJsonAsync(Api.Send, InlineSend(NestedIf)), "content.html")).Message);
        Assert.Contains("1,000 nodes", (await Refused(await sender.PostJsonAsync(Api.Send, InlineSend(SequentialIf)), "content.html")).Message);
        var (problem, message) = await Refused(await tenant.Http.PostJsonAsync(TemplateApi.Root, new
        {
            key = "ifs", channel = "sms", locale = "en", parts = new { body = SequentialIf },
        }), "parts.body");
        Assert.Contains("at most 1,000", message);
        Assert.Equal(422, problem["status"]!.GetValue<int>());

        // Within the limits the same shapes are fine: 64 levels, 1,000 nodes.
        await sender.SendOkAsync(InlineSend(Repeat("{{#if a}}", 64) + "x" + Repeat("{{/if}}", 64)));
        await sender.SendOkAsync(InlineSend(Repeat("{{#if a}}x{{/if}}", 333) + "{{a}}"));
    }

    [Fact]
    public async Task A_template_past_the_limits_that_reached_the_store_fails_its_notifications_and_the_worker_lives()
    {
        // As a version stored before the limits existed would be: written straight to the table.
        var tenant = await service.NewTenantAsync();
        await using (var cmd = service.Db.CreateCommand("""
            with t as (insert into templates (id, tenant_id, key, channel, locale, published_version_id) values (gen_random_uuid(), $1, 'deep', 'email', 'en', $2) returning id)
            insert into template_versions (id, template_id, tenant_id, version, parts) select $2, id, $1, 1, jsonb_build_object('subject', 's', 'html', $3::text) from t
            """))
        {
            cmd.Parameters.AddWithValue(tenant.Id);
            cmd.Parameters.AddWithValue(Guid.NewGuid());
            cmd.Parameters.AddWithValue(DeepEach);
            await cmd.ExecuteNonQueryAsync();
        }

        var id = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "ada@example.com" }, template = "deep", data = new { a = new[] { 1 } } });
        var failed = await tenant.Http.WaitForStatusAsync(id, "failed");
        Assert.StartsWith("render_error:", failed["lastError"]!.GetValue<string>());
        Assert.Contains("more than 64 levels", failed["lastError"]!.GetValue<string>());

        var job = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email\na@example.com\nb@example.com\n"), template: "deep");
        Assert.Equal(HttpStatusCode.Accepted, job.StatusCode);
        var jobId = Guid.Parse((await job.JsonAsync())["jobId"]!.GetValue<string>());
        await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);
        await Eventually.Async(async () => await service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1 and status = 'failed'", jobId),
            failedCount => failedCount == 2, "both rows to fail");

        var preview = await tenant.Http.PostJsonAsync($"{TemplateApi.Root}/{await service.ScalarAsync<Guid>("select id from templates where tenant_id = $1", tenant.Id)}/preview", new { data = new { a = new[] { 1 } } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, preview.StatusCode);

        var sent = await tenant.Http.SendOkAsync(Api.Email());
        await service.Ledger.WaitForAsync(sent, "sent");
    }
}

public static class SendOnlyKeys
{
    public static async Task<string> CreateSendOnlyKeyAsync(this TestTenant tenant)
    {
        var response = await tenant.Http.PostJsonAsync("/api/v1/admin/api-keys", new { name = "sender", scopes = new[] { "notifications:send" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync())["key"]!.GetValue<string>();
    }
}
