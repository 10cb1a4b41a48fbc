using System.Text.Json;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>How many members (in snapshot order, counted in chunks of <see cref="PerChunk"/>) each limited channel takes.</summary>
public sealed record FanOutQuotaLimits(int PerChunk, Dictionary<string, ExpansionCharge> Channels);

/// <summary>One line of a topic send's charge at accept: <see cref="Count"/> messages charged to <see cref="Month"/>.</summary>
public sealed record PrepaidLine(string Channel, DateOnly Month, long Count);

/// <summary>
/// A send to topics against the monthly quotas where it expands. Accepted, it was charged its members per channel as the
/// topics stood then (<see cref="FanOutAccept"/>, the charge kept in `quota_prepaid`). Its snapshot is the moment the
/// membership becomes messages, so the snapshot's transaction settles the charge: members gained since are charged (as
/// many as the quota takes, the rest held until the reset or not sent, by the channel's `overage`); members lost are given
/// back. The limits, when a quota did not take every member, are stored with the snapshot, so a resumed run applies the
/// same ones to the chunks it commits.
/// </summary>
public sealed class FanOutQuota(MonthlyQuotas quotas, ILogger<FanOutQuota> log)
{
    public static string? Prepaid(QuotaCharge charge) => charge.Lines.Count == 0 ? null
        : JsonSerializer.Serialize(charge.Lines.Select(l => new PrepaidLine(l.Channel, l.Month, l.Count)), JsonBody.Options);

    /// <summary>In the snapshot's transaction: the limits to store, or null when every member of every channel is paid for.</summary>
    public async Task<string?> SettleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, FanOutRun run, SendRequest send, long members,
        int perChunk, CancellationToken ct)
    {
        var prepaid = run.QuotaPrepaidJson is { } json ? JsonSerializer.Deserialize<PrepaidLine[]>(json, JsonBody.Options) ?? [] : [];
        var settings = await quotas.SettingsAsync(run.TenantId, ct);
        if (prepaid.Length == 0 && settings.Count == 0) return null;
        var limits = new Dictionary<string, ExpansionCharge>(StringComparer.Ordinal);
        foreach (var channel in (send.Channels ?? [send.Channel!]).Distinct().Order(StringComparer.Ordinal))
        {
            var paid = prepaid.Where(l => l.Channel == channel).Sum(l => l.Count);
            if (members <= paid)
            {
                var surplus = paid - members;   // given back from the latest month charged first (held charges are next month's)
                foreach (var line in prepaid.Where(l => l.Channel == channel).OrderByDescending(l => l.Month))
                {
                    if (surplus == 0) break;
                    var back = Math.Min(surplus, line.Count);
                    await MonthlyQuotas.GiveBackAsync(conn, tx, run.TenantId, channel, line.Month, back, ct);
                    surplus -= back;
                }
                continue;
            }
            if (!settings.TryGetValue(channel, out var quota)) continue;   // no quota (now) on this channel: nothing to charge
            var charge = await quotas.ChargeExpansionAsync(conn, tx, run.TenantId, channel, members - paid, quota, ct);
            if (charge.Now == members - paid) continue;
            limits[channel] = charge with { Now = paid + charge.Now };
            log.LogWarning("fan-out {FanOut}: the monthly {Channel} quota took {Now:N0} of {Members:N0} members now and held {Held:N0}; "
                + "the rest are not sent", run.Id, channel, paid + charge.Now, members, charge.Held);
        }
        return limits.Count == 0 ? null : JsonSerializer.Serialize(new FanOutQuotaLimits(perChunk, limits), JsonBody.Options);
    }

    /// <summary>The chunk's drafts within the limits: a member past a channel's quota is held until the reset or left out.</summary>
    public static List<NotificationDraft> Apply(string? limitsJson, FanOutChunk chunk, List<NotificationDraft> drafts)
    {
        if (limitsJson is null || JsonSerializer.Deserialize<FanOutQuotaLimits>(limitsJson, JsonBody.Options) is not { } limits)
            return drafts;
        var position = new Dictionary<string, long>(chunk.UserIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < chunk.UserIds.Length; i++) position[chunk.UserIds[i]] = (long)chunk.No * limits.PerChunk + i;
        var kept = new List<NotificationDraft>(drafts.Count);
        foreach (var d in drafts)
        {
            if (!limits.Channels.TryGetValue(d.Channel, out var limit)) kept.Add(d);
            else if (position[d.Recipient.UserId!] is var at && at < limit.Now) kept.Add(d);
            else if (at < limit.Now + limit.Held) kept.Add(d.SendAt >= limit.HeldUntil ? d : d with { SendAt = limit.HeldUntil });
        }
        return kept;
    }
}
