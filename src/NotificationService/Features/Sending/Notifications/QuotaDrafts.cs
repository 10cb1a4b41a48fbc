using NotificationService.Features.Tenancy.Quotas;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// Drafts against the tenant's monthly quotas (<see cref="MonthlyQuotas"/>): charged per channel before they are accepted,
/// and those of a channel held until the quota's reset scheduled for it (a draft already scheduled later keeps its time).
/// </summary>
public static class QuotaDrafts
{
    public static Dictionary<string, long> PerChannel(IReadOnlyList<NotificationDraft> drafts)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var d in drafts) counts[d.Channel] = counts.GetValueOrDefault(d.Channel) + 1;
        return counts;
    }

    /// <summary>Charges the drafts (429 when a quota cannot take them) and answers them with the held ones rescheduled.</summary>
    public static async Task<(IReadOnlyList<NotificationDraft> Drafts, QuotaCharge Charge)> ChargeDraftsAsync(
        this MonthlyQuotas quotas, Guid tenantId, IReadOnlyList<NotificationDraft> drafts, string what, CancellationToken ct)
    {
        if (drafts.Count == 0) return (drafts, QuotaCharge.None);
        var charge = await quotas.ChargeAsync(tenantId, PerChannel(drafts), what, ct);
        return (Held(drafts, charge), charge);
    }

    public static IReadOnlyList<NotificationDraft> Held(IReadOnlyList<NotificationDraft> drafts, QuotaCharge charge) =>
        !charge.HoldsAny ? drafts
            : drafts.Select(d => charge.HeldUntil(d.Channel) is { } until && !(d.SendAt >= until) ? d with { SendAt = until } : d).ToList();
}
