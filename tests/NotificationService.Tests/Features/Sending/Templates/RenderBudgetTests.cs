using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>
/// The hostile template of issue 17 (four nested `#each` over 100 items: 100 MB of output) through the API: a preview
/// answers 422 naming the limit, a real send fails permanently with `render_limit`, and a self-calling inline partial
/// is refused when saved. The fixture's render time budget is the largest (60 s), so the output limit is the one that stops
/// it however loaded the machine is.
/// </summary>
[Collection("service")]
public class RenderBudgetTests(ServiceFixture service)
{
    private const string NestedEach =
        "{{#each items}}{{#each ../items}}{{#each ../../items}}{{#each ../../../items}}x{{/each}}{{/each}}{{/each}}{{/each}}";

    private static JsonArray HundredItems() => [.. Enumerable.Range(0, 100).Select(i => (JsonNode)i)];

    [Fact]
    public async Task A_preview_past_the_budget_is_a_422_naming_the_limit_and_a_send_fails_permanently()
    {
        var tenant = await service.NewTenantAsync();
        var created = await tenant.Http.CreateTemplateAsync(new { key = "bomb", channel = "sms", locale = "en", description = "x", parts = new { body = NestedEach } });

        var preview = await tenant.Http.PostJsonAsync($"{TemplateApi.Root}/{created.Id()}/preview", new { data = new JsonObject { ["items"] = HundredItems() } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, preview.StatusCode);
        var detail = (await preview.JsonAsync())["detail"]!.GetValue<string>();
        Assert.StartsWith("render_limit: part 'body' is longer than 1,000,000 characters", detail);

        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, template = "bomb",
            data = new JsonObject { ["items"] = HundredItems() } });
        var failed = await tenant.Http.WaitForStatusAsync(id, "failed");
        Assert.StartsWith("render_limit: part 'body' is longer than", failed["lastError"]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from sandbox_messages where notification_id = $1", id));
    }

    [Fact]
    public async Task A_self_calling_inline_partial_is_refused_when_saved()
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(TemplateApi.Root, new
        {
            key = "loop", channel = "sms", locale = "en", description = "x", parts = new { body = "{{#*inline \"p\"}}{{> p}}{{/inline}}{{> p}}" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync())["errors"]!.AsObject().SelectMany(e => e.Value!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Contains(errors, m => m.Contains("Inline partial cycle: p -> p"));
    }
}
