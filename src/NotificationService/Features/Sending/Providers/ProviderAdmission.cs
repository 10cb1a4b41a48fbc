using NotificationService.Channels;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Providers;

/// <summary>Before a batch is sent: may each job go now, and through which config's reserved rate-limit slot?</summary>
public abstract record Admission
{
    /// <summary>Go. <paramref name="Reserved"/>: the config expected to take it, whose rate-limit slot is already held
    /// (null: no limit).</summary>
    public sealed record Proceed(ProviderConfig? Reserved) : Admission;

    /// <summary>Postpone without using an attempt: over the rate limit, or every config's circuit is open.</summary>
    public sealed record Wait(TimeSpan After, string Reason) : Admission;

    public static readonly Admission Go = new Proceed(null);
}

/// <summary>
/// Runs before the batch touches its notifications, so a postponed job leaves no history row and uses no attempt.
/// Each job's channel is its queue name and its tenant is on the job, which is all this needs. The config
/// expected to take the job is the first in priority order whose circuit is not open; the rate-limit slots
/// of all such configs in the batch are reserved in one statement (<see cref="ProviderRateLimiter"/>).
/// </summary>
public sealed class ProviderAdmission(ProviderDirectory directory, CircuitBreakers circuits, ProviderRateLimiter limiter)
{
    public async Task<Admission[]> AdmitAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
    {
        var result = new Admission[jobs.Count];
        var limited = new Dictionary<Guid, (ProviderConfig Config, double Limit, List<int> Jobs)>();
        for (var i = 0; i < jobs.Count; i++)
        {
            result[i] = Admission.Go;
            if (jobs[i].Queue == ChannelNames.InApp) continue;
            var providers = await directory.ForChannelAsync(jobs[i].TenantId, jobs[i].Queue, ct);
            if (providers.Count == 0) continue; // the sender reports "no enabled provider"
            var first = providers.FirstOrDefault(p => circuits.OpenFor(p) is null);
            if (first is null)
            {
                var soonest = providers.Min(p => circuits.OpenFor(p) ?? TimeSpan.Zero);
                result[i] = new Admission.Wait(soonest + TimeSpan.FromMilliseconds(Random.Shared.Next(50, 250)),
                    $"circuit open for every {jobs[i].Queue} provider ({string.Join(", ", providers.Select(p => p.Name))})");
                continue;
            }
            if (ProviderLimits.From(first.Kind, first.Settings).RateLimitPerSecond is not { } limit)
            {
                result[i] = new Admission.Proceed(null);
                continue;
            }
            if (!limited.TryGetValue(first.Id, out var entry)) limited[first.Id] = entry = (first, limit, []);
            entry.Jobs.Add(i);
        }
        if (limited.Count == 0) return result;

        var grants = await limiter.ReserveAsync(limited.Values
            .Select(l => new ProviderRateLimiter.Request(l.Config.TenantId, l.Config.Id, l.Limit, l.Jobs.Count)).ToList(), ct);
        foreach (var (id, (config, limit, indexes)) in limited)
        {
            var grant = grants[id];
            for (var k = 0; k < indexes.Count; k++)
                result[indexes[k]] = k < grant.Granted
                    ? new Admission.Proceed(config)
                    : new Admission.Wait(grant.DelayFor(k), $"rate limit {limit}/s of provider '{config.Name}'");
        }
        return result;
    }

    /// <summary>One slot on a config the walk failed over to (rare: one statement per message is fine there).</summary>
    public async Task<Admission> ReserveOneAsync(ProviderConfig config, CancellationToken ct)
    {
        if (ProviderLimits.From(config.Kind, config.Settings).RateLimitPerSecond is not { } limit) return new Admission.Proceed(config);
        var grant = (await limiter.ReserveAsync([new(config.TenantId, config.Id, limit, 1)], ct))[config.Id];
        return grant.Granted == 1
            ? new Admission.Proceed(config)
            : new Admission.Wait(grant.DelayFor(0), $"rate limit {limit}/s of provider '{config.Name}'");
    }
}
