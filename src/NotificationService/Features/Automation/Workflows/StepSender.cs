using System.Text.Json.Nodes;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// A send step through the ordinary send path: the request a backend would have posted (by userId, the step's template,
/// the trigger's data with the step's overrides and `actor`, the workflow's category), validated by the same
/// <see cref="SendValidator"/> and accepted by the same <see cref="NotificationWriter"/> inside the run's transaction,
/// so templates, preferences, providers, the ledger and webhooks all apply. The notifications carry the run and step in
/// their metadata (which is how the ledger's subscriber knows them) and are recorded keyed (run, step, channel). Each send
/// is charged to the tenant's monthly quotas before it is accepted: beyond one, the step fails (`refuse`) or its messages
/// wait for the reset (`hold`).
/// </summary>
public sealed class StepSender(SendValidator validator, NotificationWriter writer, MonthlyQuotas quotas)
{
    public const string RunMetadata = "workflowRun", StepMetadata = "workflowStep", WorkflowMetadata = "workflow";

    public sealed record Made(Guid[] NotificationIds, string? Error);

    /// <param name="carried">The digests the run carries (`steps.&lt;id&gt;.count`, `.events`, `.actors`), which its templates
    /// read.</param>
    public async Task<Made> TrySendAsync(LedgerTransaction tx, RunRow run, StoredWorkflow workflow, RunEffect.Send send,
        JsonObject? carried, CancellationToken ct)
    {
        IReadOnlyList<NotificationDraft> drafts;
        var request = Request(run, workflow, send.StepId, send.Channels, send.Template, send.Data);
        if (carried is { Count: > 0 }) request.Data!["steps"] = MergeSteps(request.Data["steps"], carried);
        try { drafts = await validator.ValidateAsync(run.TenantId, request, ct, byEngine: true); }
        catch (RequestValidationException e)
        {
            return new([], $"step '{send.StepId}' could not send: {string.Join(" ", e.Errors.SelectMany(x => x.Value))}");
        }
        QuotaCharge charge;
        try { (drafts, charge) = await quotas.ChargeDraftsAsync(run.TenantId, drafts, $"Step '{send.StepId}'", ct); }
        catch (QuotaExceededException e) { return new([], $"step '{send.StepId}' could not send: {e.Message}"); }
        try
        {
            await writer.InsertAsync(tx, drafts, ct);
            await WorkflowSends.InsertAsync(tx.Connection, tx.Transaction, run.TenantId, run.Id, send.StepId,
                drafts.Select(d => (d.Id, d.Channel)).ToList(), ct);
        }
        catch
        {
            await quotas.RefundAsync(charge, CancellationToken.None);
            throw;
        }
        return new([.. drafts.Select(d => d.Id)], null);
    }

    /// <summary>The send request a step stands for (also what the trigger checks before it starts any run).</summary>
    public static SendRequest Request(RunRow run, StoredWorkflow workflow, string stepId, IReadOnlyList<string> channels, string template,
        JsonObject? overrides) =>
        Request(run.Id, run.UserId, run.Data as JsonObject, run.Actor, workflow, stepId, channels, template, overrides, run.TestRun);

    /// <param name="testRun">A test run's sends carry <see cref="SendValidator.TestRunMetadata"/>: delivery takes them to the
    /// sandbox.</param>
    public static SendRequest Request(Guid runId, string userId, JsonObject? data, JsonNode? actor, StoredWorkflow workflow, string stepId,
        IReadOnlyList<string> channels, string template, JsonObject? overrides, bool testRun = false) => new()
    {
        Channel = channels.Count == 1 ? channels[0] : null,
        Channels = channels.Count == 1 ? null : [.. channels],
        Template = template,
        Recipient = new SendRecipient { UserId = userId },
        Data = TemplateData(data, actor, overrides),
        Category = workflow.Definition.Category,
        Metadata = testRun
            ? new JsonObject { [RunMetadata] = runId.ToString(), [StepMetadata] = stepId, [WorkflowMetadata] = workflow.Key,
                [SendValidator.TestRunMetadata] = "true" }
            : new JsonObject { [RunMetadata] = runId.ToString(), [StepMetadata] = stepId, [WorkflowMetadata] = workflow.Key },
    };

    /// <summary>The trigger's own `steps` object (if any) with the carried digests over it.</summary>
    public static JsonObject MergeSteps(JsonNode? own, JsonObject carried)
    {
        var steps = own is JsonObject o ? o.DeepClone().AsObject() : new JsonObject();
        foreach (var (id, digest) in carried) steps[id] = digest?.DeepClone();
        return steps;
    }

    /// <summary>The trigger's data, `actor` beside it (unless the data has its own), the step's overrides on top.</summary>
    public static JsonObject TemplateData(JsonObject? data, JsonNode? actor, JsonObject? overrides)
    {
        var merged = data?.DeepClone().AsObject() ?? new JsonObject();
        if (actor is not null && !merged.ContainsKey("actor")) merged["actor"] = actor.DeepClone();
        foreach (var (k, v) in overrides ?? []) merged[k] = v?.DeepClone();
        return merged;
    }
}
