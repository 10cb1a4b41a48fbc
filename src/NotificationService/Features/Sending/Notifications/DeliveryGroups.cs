using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// Notifications accepted together go to the queue in groups: one delivery job per group instead of one per
/// notification. Enqueueing a job cost PostgreSQL about as much as writing the notification itself (13–15 µs of
/// backend CPU per job, measured on the bulk path), and claiming and acknowledging it costs again per job.
/// A group shares everything the queue orders and routes by (tenant, channel, priority, due time), so it is claimed
/// exactly when its notifications would have been. Claims fill batches by units, so a handler's batch stays the
/// same size; a notification that must retry is split off into a job of its own (JobResult.Split).
/// </summary>
public static class DeliveryGroups
{
    /// <summary>Small enough that a default claim (100 units) still takes several jobs and a group's args stay inline
    /// (25 ids are ~1 KB of jsonb, under the 2 KB TOAST threshold).</summary>
    public const int MaxSize = 25;

    public sealed record Group(Guid TenantId, string Channel, JobPriority Priority, DateTimeOffset? SendAt, Guid[] Ids, int[] DraftIndexes);

    public static IReadOnlyList<Group> Of(IReadOnlyList<NotificationDraft> drafts)
    {
        var open = new Dictionary<(Guid, string, JobPriority, DateTimeOffset?), List<int>>();
        var groups = new List<Group>();
        void Close((Guid TenantId, string Channel, JobPriority Priority, DateTimeOffset? SendAt) key, List<int> members) =>
            groups.Add(new Group(key.TenantId, key.Channel, key.Priority, key.SendAt, members.Select(i => drafts[i].Id).ToArray(),
                members.ToArray()));

        for (var i = 0; i < drafts.Count; i++)
        {
            var d = drafts[i];
            var key = (d.TenantId, d.Channel, d.Priority, d.SendAt);
            if (!open.TryGetValue(key, out var members)) open[key] = members = new List<int>(MaxSize);
            members.Add(i);
            if (members.Count == MaxSize) { Close(key, members); open.Remove(key); }
        }
        foreach (var (key, members) in open) Close(key, members);
        return groups;
    }

    /// <summary>Each draft's job id, in draft order, from the ids the queue returned for <paramref name="groups"/>.</summary>
    public static long[] JobIdPerDraft(IReadOnlyList<Group> groups, IReadOnlyList<long> groupJobIds, int draftCount)
    {
        var ids = new long[draftCount];
        for (var g = 0; g < groups.Count; g++)
            foreach (var i in groups[g].DraftIndexes) ids[i] = groupJobIds[g];
        return ids;
    }
}
