using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Operations.Usage;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Queue;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>Workflows, runs, queues and usage for an agent: the admin API's reads, through the same stores.</summary>
[McpServerToolType]
public sealed class OperationsTools(WorkflowStore workflows, RunStore runs, JobQueue queue, UsageStore usage, MonthlyQuotas quotas,
    TimeProvider clock, IHttpContextAccessor http)
{
    public sealed record QueueHealth(string Queue, long Ready, long Scheduled, long Running, long Dead, double? OldestReadySeconds);

    public sealed record UsageAnswer(DateOnly From, DateOnly To, IReadOnlyList<UsageDay> Days, IReadOnlyList<QuotaUsage> Quotas);

    private Guid Tenant => http.HttpContext!.User.TenantId();

    [McpServerTool(Name = "list_workflows", ReadOnly = true), Description(
        "The tenant's workflows: key, name, published and latest version.")]
    public Task<IReadOnlyList<WorkflowView>> ListWorkflowsAsync(CancellationToken ct = default) =>
        workflows.ListAsync(Tenant, null, 100, ct);

    [McpServerTool(Name = "get_workflow_run", ReadOnly = true), Description(
        "One workflow run with its timeline: each step's state, why (e.g. the condition that skipped it) and the notifications it made.")]
    public async Task<RunView> GetRunAsync([Description("The run's id")] Guid runId, CancellationToken ct = default)
    {
        var run = await runs.GetAsync(Tenant, runId, ct) ?? throw new McpException($"Run {runId} was not found.");
        // The trigger's data and actor are the person's data: only for a caller that may read people.
        return http.HttpContext!.User.MayReadAddresses() ? run : run with { Data = null, Actor = null };
    }

    [McpServerTool(Name = "queue_health", ReadOnly = true), Description(
        "Queue depths per channel: ready, scheduled, running and dead jobs, and how long the oldest ready job has waited.")]
    public async Task<IReadOnlyList<QueueHealth>> QueueHealthAsync(CancellationToken ct = default)
    {
        var stats = (await queue.StatsAsync(Tenant, ct)).ToDictionary(s => s.Queue);
        return ChannelNames.All.Concat(stats.Keys).Distinct().Select(q => stats.TryGetValue(q, out var s)
            ? new QueueHealth(q, s.Ready, s.Scheduled, s.Running, s.Dead, s.OldestReadyAge?.TotalSeconds)
            : new QueueHealth(q, 0, 0, 0, 0, null)).ToList();
    }

    [McpServerTool(Name = "usage", ReadOnly = true), Description(
        "Notifications per day and channel over the last 30 days by status reached, and this month's use against each channel's quota.")]
    public async Task<UsageAnswer> UsageAsync(CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var first = today.AddDays(-29);
        return new UsageAnswer(first, today, await usage.ListAsync(Tenant, first, today, null, ct), await quotas.UsageAsync(Tenant, ct));
    }
}
