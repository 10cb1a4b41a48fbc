using System.Text.Json.Nodes;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>`workflow.run.completed`, `workflow.run.cancelled` and `workflow.run.failed` webhooks, in the transaction that ends
/// the run.</summary>
public sealed class RunEndings(WebhookOutbox outbox, WebhookSubscriptions subscriptions)
{
    public static readonly string[] EventTypes = ["workflow.run.completed", "workflow.run.cancelled", "workflow.run.failed"];

    public async Task PublishAsync(LedgerTransaction tx, RunRow run, RunEffect.Ended ended, CancellationToken ct)
    {
        var type = $"workflow.run.{RunStore.StateName(ended.Status)}";
        if (!await subscriptions.SubscribesAsync(run.TenantId, type, ct)) return;
        var data = new JsonObject
        {
            ["runId"] = run.Id.ToString(), ["workflow"] = run.WorkflowKey, ["version"] = run.Version, ["userId"] = run.UserId,
            ["state"] = RunStore.StateName(ended.Status), ["reason"] = ended.Reason, ["cancellationKey"] = run.CancellationKey,
        };
        if (await outbox.PublishEventAsync(tx.Connection, tx.Transaction, run.TenantId, type, data, ct) > 0)
            tx.WakeAfterCommit(WebhookOutbox.Queue);
    }
}
