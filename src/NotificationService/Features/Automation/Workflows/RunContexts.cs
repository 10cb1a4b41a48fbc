using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.People.Recipients;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// What a run's conditions read, built for each transition that needs it (a definition without conditions, key paths,
/// dates in data or local times never pays for it): `data` and `actor` from the trigger, `recipient` from the profile as it
/// is now, `steps.&lt;id&gt;` from the statuses its notifications reached and the digests it carries, and for a digest step
/// that follows the recipient's cadence, the cadence they chose for the workflow's category.
/// </summary>
public sealed class RunContexts(ProfileStore profiles, IStepWindows windows)
{
    /// <param name="definition">The run's workflow: the digests the run carries are read only when it has digest steps, the
    /// recipient's cadence only when one of them says `userSchedule`.</param>
    public async Task<ConditionContext> ForAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunRow run, WorkflowDefinition definition,
        CancellationToken ct)
    {
        var profile = await profiles.FindAsync(conn, tx, run.TenantId, run.UserId, ct);
        var recipient = RecipientVariables.Of(run.UserId, null, null, profile?.Fields);
        var steps = new JsonObject();
        foreach (var step in (await WorkflowSends.ForRunAsync(conn, tx, run.TenantId, run.Id, ct)).GroupBy(s => s.StepId))
        {
            var first = step.First();
            steps[step.Key] = new JsonObject
            {
                ["status"] = first.LastStatus, ["channel"] = first.Channel, ["provider"] = first.Provider, ["error"] = first.Error,
                ["notificationId"] = first.NotificationId.ToString(),
                ["notifications"] = new JsonArray([.. step.Select(s => (JsonNode)new JsonObject
                {
                    ["channel"] = s.Channel, ["status"] = s.LastStatus, ["provider"] = s.Provider, ["error"] = s.Error,
                    ["id"] = s.NotificationId.ToString(),
                })]),
            };
        }
        if (definition.HasDigestSteps)
            foreach (var (id, digest) in await windows.CarriedAsync(conn, tx, run.TenantId, run.Id, ct)) steps[id] = digest?.DeepClone();
        var cadence = definition.CadenceCategory is { } category
            ? await PreferenceStore.DigestCadenceAsync(conn, tx, run.TenantId, UserKeys.ForUser(run.UserId), category, ct)
            : null;
        return new ConditionContext(run.Data?.DeepClone(), recipient, run.Actor?.DeepClone(), steps, profile?.Fields.Timezone)
            { Cadence = cadence };
    }
}
