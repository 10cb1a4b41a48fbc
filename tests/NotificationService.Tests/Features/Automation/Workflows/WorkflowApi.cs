using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>The workflow APIs as the specs speak them, and the issue's escalation example with its templates.</summary>
public static class WorkflowApi
{
    public const string Admin = "/api/v1/admin/workflows";
    public const string Services = "/api/v1/services/workflows";

    public const string Escalation = """
        {"key": "order-update", "name": "Order update", "category": "orders", "steps": [
          {"id": "inbox", "type": "send", "channel": "in_app", "template": "order-update"},
          {"id": "wait-read", "type": "waitFor", "step": "inbox", "status": ["read"], "timeout": "PT30M",
           "then": [],
           "onTimeout": [
             {"id": "mail", "type": "send", "channel": "email", "template": "order-update-email"},
             {"id": "wait-mail", "type": "waitFor", "step": "mail", "status": ["failed", "skipped"], "timeout": "PT1H",
              "then": [{"id": "text", "type": "send", "channel": "sms", "template": "order-update-sms"}]}]},
          {"id": "vip", "type": "branch", "arms": [{"when": "recipient.data.tier == 'gold'", "steps": [
             {"id": "thanks", "type": "send", "channel": "email", "template": "gold-thanks"}]}], "otherwise": []}
        ]}
        """;

    /// <summary>The escalation's templates and its `orders` category.</summary>
    public static async Task AddEscalationTemplatesAsync(this HttpClient http)
    {
        await http.CreateTemplateAsync(new { key = "order-update", channel = "in_app", locale = "en", parts = new { title = "Order {{orderId}}", body = "It shipped." } });
        await http.CreateTemplateAsync(new { key = "order-update-email", channel = "email", locale = "en", parts = new { subject = "Order {{orderId}}", text = "It shipped." } });
        await http.CreateTemplateAsync(new { key = "order-update-sms", channel = "sms", locale = "en", parts = new { body = "Order {{orderId}} shipped." } });
        await http.CreateTemplateAsync(new { key = "gold-thanks", channel = "email", locale = "en", parts = new { subject = "Thanks", text = "Thank you, {{recipient.name}}." } });
        await TemplateApi.ExpectAsync(await http.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" }), 201);
    }

    /// <summary>Creates the workflow and publishes its version 1.</summary>
    public static async Task<JsonNode> PublishWorkflowAsync(this HttpClient http, string json)
    {
        var created = await TemplateApi.ExpectAsync(await http.PostAsync(Admin, Json(json)), 201);
        return await TemplateApi.ExpectAsync(await http.PostAsync($"{Admin}/{created["key"]}/publish", null), 200);
    }

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static async Task<Guid[]> TriggerAsync(this HttpClient http, string key, object body)
    {
        var answer = await TemplateApi.ExpectAsync(await http.PostJsonAsync($"{Services}/{key}/trigger", body), 202);
        return answer["runIds"]!.AsArray().Select(n => Guid.Parse(n!.GetValue<string>())).ToArray();
    }

    public static Task<JsonNode> RunAsync(this HttpClient http, Guid runId) => http.GetJsonAsync($"{Services}/runs/{runId}");

    public static Task<JsonNode> WaitForRunAsync(this HttpClient http, Guid runId, string state) =>
        Eventually.Async(() => http.RunAsync(runId), r => r.Text("state") == state, $"run {runId} to be {state}");

    /// <summary>Waits until the run is waiting at <paramref name="stepId"/>.</summary>
    public static Task<JsonNode> WaitForWaitAsync(this HttpClient http, Guid runId, string stepId) =>
        Eventually.Async(() => http.RunAsync(runId), r => r.Text("state") == "waiting" && r["timeline"]!.AsArray().LastOrDefault()?["stepId"]?.GetValue<string>() == stepId,
            $"run {runId} to wait at {stepId}");

    /// <summary>The notifications each step made, by step id.</summary>
    public static Dictionary<string, Guid[]> Sent(this JsonNode run) =>
        run["steps"]!.AsArray().ToDictionary(s => s!.Text("stepId")!, s => s!["notificationIds"]!.AsArray().Select(n => Guid.Parse(n!.GetValue<string>())).ToArray());

    /// <summary>Makes the run's pending due job (a delay or a wait's timeout) due now: virtual time, no sleeping.</summary>
    public static async Task MakeDueAsync(this ServiceFixture service, Guid runId, string kind)
    {
        await using var cmd = service.Db.CreateCommand("update jobs set run_at = now() where kind = 'workflow-step' and args->>'r' = $1 and args->>'k' = $2 and state = 'ready'");
        cmd.Parameters.AddWithValue(runId.ToString());
        cmd.Parameters.AddWithValue(kind);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        service.WakeWorkers();
    }
}
