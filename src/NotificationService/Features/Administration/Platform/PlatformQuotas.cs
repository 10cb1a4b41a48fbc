using NotificationService.Channels;
using NotificationService.Features.Operations.Usage;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Quotas;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// The `quotas` of a create or PATCH: checked field by field, then set through their owner (<see cref="MonthlyQuotas"/>).
/// A quota set mid-month starts from what the month has accepted so far by the usage counters (which lag by a flush).
/// </summary>
public sealed class PlatformQuotas(MonthlyQuotas quotas, UsageStore usage, TimeProvider clock)
{
    public const long MaxPerMonth = 1_000_000_000_000;

    public static List<(string Channel, QuotaSetting? Setting)> Validate(Dictionary<string, QuotaInput?>? input,
        Dictionary<string, string[]> errors)
    {
        var changes = new List<(string, QuotaSetting?)>();
        foreach (var (channel, value) in input ?? [])
        {
            if (!ChannelNames.IsKnown(channel))
            {
                errors[$"quotas.{channel}"] = [$"One of {string.Join(", ", ChannelNames.All)}."];
                continue;
            }
            if (value is null) { changes.Add((channel, null)); continue; }
            var ok = true;
            if (value.PerMonth is not (>= 0 and <= MaxPerMonth))
            {
                errors[$"quotas.{channel}.perMonth"] = [$"Messages per month, from 0 to {MaxPerMonth}."];
                ok = false;
            }
            if (value.Overage is not null && !QuotaOverage.IsKnown(value.Overage))
            {
                errors[$"quotas.{channel}.overage"] = [$"'{QuotaOverage.Refuse}' (a 429 beyond the quota, the default) or "
                    + $"'{QuotaOverage.Hold}' (accepted and held until it resets)."];
                ok = false;
            }
            if (ok) changes.Add((channel, new QuotaSetting(value.PerMonth!.Value, value.Overage ?? QuotaOverage.Refuse)));
        }
        return changes;
    }

    public async Task ApplyAsync(Guid tenantId, List<(string Channel, QuotaSetting? Setting)> changes, CancellationToken ct)
    {
        if (changes.Count == 0) return;
        var now = clock.GetUtcNow();
        var accepted = (await usage.SumsAsync([tenantId], MonthlyQuotas.MonthOf(now), ct))
            .Where(s => s.Status == NotificationStatuses.Accepted).ToDictionary(s => s.Channel, s => s.Count);
        foreach (var (channel, setting) in changes)
            await quotas.SetAsync(tenantId, channel, setting, accepted.GetValueOrDefault(channel), ct);
    }

    public async Task<Dictionary<string, TenantQuotaView>> ViewAsync(Guid tenantId, CancellationToken ct) =>
        (await quotas.UsageAsync(tenantId, ct)).ToDictionary(q => q.Channel,
            q => new TenantQuotaView(q.PerMonth, q.Overage, q.Used, q.HeldForNextMonth, q.ResetsAt));
}
