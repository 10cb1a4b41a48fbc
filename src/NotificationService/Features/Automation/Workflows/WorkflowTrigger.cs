using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;
using NotificationService.Queue;
using NotificationService.Templates;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// Starts one run per recipient of the published version, all in one transaction with the idempotency key, the profile
/// patches and each run's first job or digest window (<see cref="RunStarts"/>: set-based, one statement each for up to
/// 1,000 runs). Before anything is written,
/// every send step is checked as the send it will make (template, provider, category) and its template rendered with the
/// trigger's data, so data the templates cannot render is a 422 naming the step, not a thousand failed notifications.
/// A trigger naming topics is checked the same way (for a stand-in member) and handed to <see cref="WorkflowFanOutAccept"/>.
/// </summary>
public sealed class WorkflowTrigger(NotificationLedger ledger, WorkflowStore store, SendValidator validator, TemplateVersionStore versions,
    RequiredData requiredData, ProfileStore profiles, RunStarts starts, WorkflowFanOutAccept fanOuts, UserIdGate gate)
{
    public sealed record Outcome(int StatusCode, string Body, bool Replayed);

    /// <param name="pathBase">The request's path base: a fan-out's statusUrl is under it.</param>
    public async Task<Outcome> TriggerAsync(Guid tenantId, string key, TriggerRequest req, byte[] raw, string? idempotencyKey,
        string pathBase, CancellationToken ct)
    {
        var topics = TriggerRules.NamesTopics(req) ? TriggerRules.CheckTopics(req) : null;
        var recipients = topics is null ? TriggerRules.Check(req) : [];
        if (recipients.Count > 0)
            await gate.AdmitAsync(tenantId, [.. recipients.Select(r => r.UserId)], i => $"recipients[{recipients[i].Index}].userId", ct);
        var workflow = await store.VersionAsync(tenantId, key, null, publishedOnly: true, ct);
        if (workflow is null)
        {
            if (await store.GetAsync(tenantId, key, ct) is null) throw new NotFoundException($"The workflow '{key}'");
            throw RequestValidationException.For("workflow", $"The workflow '{key}' has no published version: publish one first.", 422);
        }
        await CheckSendsAsync(tenantId, workflow, recipients.FirstOrDefault()?.UserId ?? WorkflowFanOutAccept.ProbeUser, req, ct);
        if (topics is not null) return await fanOuts.AcceptAsync(tenantId, workflow, topics, req, raw, idempotencyKey, pathBase, ct);
        // A profile merge that raced the profile's creation by another request runs again (as a send's does).
        for (var attempt = 1; ; attempt++)
            try { return await StartAsync(tenantId, workflow, recipients, req, raw, idempotencyKey, ct); }
            catch (ProfileWriteRaceException) when (attempt < 3) { }
    }

    private async Task<Outcome> StartAsync(Guid tenantId, StoredWorkflow workflow, IReadOnlyList<TriggerRecipient> recipients,
        TriggerRequest req, byte[] raw, string? idempotencyKey, CancellationToken ct)
    {
        await using var tx = await ledger.BeginAsync(ct);
        if (idempotencyKey is not null
            && await IdempotencyStore.ClaimAsync(tx, tenantId, idempotencyKey, raw, ct) is IdempotencyClaim.Replay replay)
        {
            await tx.CommitAsync(ct);
            return new Outcome(replay.StatusCode, replay.Body, Replayed: true);
        }
        var patches = recipients.Where(r => r.Profile is not null).ToList();
        if (patches.Count > 0)
        {
            var written = await profiles.WriteAsync(tx.Connection, tx.Transaction, tenantId,
                patches.Select(r => ProfileWrite.Of(r.UserId, merge: true, r.Profile!)).ToList(), "profile.", ct);
            var errors = new Dictionary<string, string[]>();
            for (var i = 0; i < written.Length; i++)
                foreach (var (field, messages) in written[i].Errors ?? new Dictionary<string, string[]>())
                    errors[$"recipients[{patches[i].Index}].{field}"] = messages;
            if (errors.Count > 0) throw new RequestValidationException(errors);
        }
        var runs = await starts.StartAsync(tx, tenantId, workflow, recipients.Select(r => r.UserId), req.Actor, req.Data,
            req.CancellationKey, null, ct);
        var body = JsonSerializer.Serialize(new TriggerAccepted([.. runs]), JsonBody.Options);
        if (idempotencyKey is not null) await IdempotencyStore.SaveResponseAsync(tx, tenantId, idempotencyKey, 202, body, ct);
        await tx.CommitAsync(ct);
        return new Outcome(202, body, Replayed: false);
    }

    /// <summary>Each send step as the send it will be, for the first recipient: 422 naming the step when it could not be made
    /// or its template cannot render the data (variables the recipient's profile fills, `recipient.*`, are left to it).
    /// A test run (<see cref="WorkflowTestRuns"/>) checks its version the same way.</summary>
    public async Task CheckSendsAsync(Guid tenantId, StoredWorkflow workflow, string userId, TriggerRequest req, CancellationToken ct)
    {
        var digests = DigestSummary.StandIns(workflow.Definition, req.Data, req.Actor);
        foreach (var step in workflow.Definition.AllSteps().OfType<SendStep>())
        {
            var request = StepSender.Request(Guid.Empty, userId, req.Data, req.Actor, workflow, step.Id, step.Channels, step.Template,
                step.Data);
            if (digests.Count > 0) request.Data!["steps"] = StepSender.MergeSteps(request.Data["steps"], digests);
            IReadOnlyList<NotificationDraft> drafts;
            try { drafts = await validator.ValidateAsync(tenantId, request, ct, dataChecked: true); }
            catch (RequestValidationException e)
            {
                throw new RequestValidationException(e.Errors.ToDictionary(x => $"steps.{step.Id}.{x.Key}", x => x.Value), 422,
                    $"Step '{step.Id}' cannot send: {string.Join(" ", e.Errors.SelectMany(x => x.Value))}");
            }
            var found = await versions.GetManyAsync(drafts.Select(d => d.TemplateVersionId).OfType<Guid>(), ct);
            foreach (var draft in drafts)
            {
                if (draft.TemplateVersionId is not { } id || !found.TryGetValue(id, out var version)) continue;
                var missing = requiredData.Missing(version, request.Data, new KnownRecipient(userId, null, null));
                if (missing.Count > 0)
                    throw RequestValidationException.For("data",
                        $"Step '{step.Id}' ({draft.Channel} template '{step.Template}') needs data "
                        + $"the trigger does not give: {string.Join(", ", missing)}.", 422);
            }
        }
    }
}
