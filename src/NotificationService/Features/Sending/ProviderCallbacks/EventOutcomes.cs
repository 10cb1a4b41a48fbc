namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>What happened to each event (by instance: two identical events in one batch are two events).</summary>
public sealed class EventOutcomes(IEnumerable<ProviderEvent> fresh)
{
    private readonly HashSet<ProviderEvent> _fresh = new(fresh, ReferenceEqualityComparer.Instance);
    internal HashSet<ProviderEvent> Unknown { get; } = new(ReferenceEqualityComparer.Instance);
    internal HashSet<ProviderEvent> Parked { get; } = new(ReferenceEqualityComparer.Instance);

    public StatusUpdater.Result For(IReadOnlyCollection<ProviderEvent> events)
    {
        int fresh = 0, unknown = 0, parked = 0;
        foreach (var e in events)
        {
            if (!_fresh.Contains(e)) continue;
            fresh++;
            if (Unknown.Contains(e)) unknown++;
            else if (Parked.Contains(e)) parked++;
        }
        return new StatusUpdater.Result(fresh - unknown - parked, unknown, events.Count - fresh, parked);
    }
}
