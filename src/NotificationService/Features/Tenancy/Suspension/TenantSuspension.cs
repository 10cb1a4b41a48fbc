using System.Collections.Concurrent;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Tenancy.Suspension;

/// <summary>Whether a tenant's requests are served: it exists and is active, it is suspended, or it is gone (deleted).</summary>
public enum TenantState { Active, Suspended, Gone }

/// <summary>
/// Whether a tenant is suspended, cached per replica. Every replica forgets a tenant's entry when its status change is
/// announced (<see cref="TenantStatusListener"/>), and everything when the listening connection was lost (a change may
/// have gone unheard), so the cache time is only the safety net. A load that began before a forget is not stored:
/// otherwise a read racing the change could put the old status back for a whole cache time.
/// </summary>
public sealed class TenantSuspension(TenantStore tenants, TimeProvider clock, IConfiguration config)
{
    /// <summary>`Tenants:SuspensionCacheSeconds` (default 30): how long an answer is kept if no announcement arrives.</summary>
    public TimeSpan Ttl { get; } = TimeSpan.FromSeconds(config.GetValue("Tenants:SuspensionCacheSeconds", 30.0));
    private readonly ConcurrentDictionary<Guid, (TenantState State, DateTimeOffset Expires)> _entries = new();
    private readonly ConcurrentDictionary<Guid, Lazy<Task<TenantState>>> _loading = new();
    private long _generation;

    public async ValueTask<bool> IsSuspendedAsync(Guid tenantId, CancellationToken ct)
        => await StateAsync(tenantId, ct) == TenantState.Suspended;

    public async ValueTask<TenantState> StateAsync(Guid tenantId, CancellationToken ct)
    {
        if (_entries.TryGetValue(tenantId, out var hit) && hit.Expires > clock.GetUtcNow()) return hit.State;
        // Callers that miss together share one read: a status change wakes every open stream of the tenant at once.
        Lazy<Task<TenantState>>? mine = null;
        mine = new Lazy<Task<TenantState>>(() => LoadAsync(tenantId, mine!));
        return await _loading.GetOrAdd(tenantId, mine).Value.WaitAsync(ct);
    }

    private async Task<TenantState> LoadAsync(Guid tenantId, Lazy<Task<TenantState>> self)
    {
        var generation = Interlocked.Read(ref _generation);
        try
        {
            var state = await tenants.StatusAsync(tenantId, CancellationToken.None) switch
            {
                null => TenantState.Gone, TenantStatuses.Suspended => TenantState.Suspended, _ => TenantState.Active,
            };
            if (Interlocked.Read(ref _generation) == generation)
            {
                if (_entries.Count >= 100_000) _entries.Clear();
                _entries[tenantId] = (state, clock.GetUtcNow() + Ttl);
            }
            return state;
        }
        finally
        {
            _loading.TryRemove(KeyValuePair.Create(tenantId, self));   // its own entry only: a forget may have let a newer load in
        }
    }

    /// <summary>
    /// Raised after a tenant's status may have changed (its id), or every tenant's (<see cref="Guid.Empty"/>): what holds
    /// a tenant's connection open (a live stream) looks again and closes if it is now suspended.
    /// </summary>
    public event Action<Guid>? Changed;

    public void Forget(Guid tenantId)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(tenantId, out _);
        _loading.TryRemove(tenantId, out _);   // a read begun before the change must not answer those who ask after it
        Changed?.Invoke(tenantId);
    }

    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        _loading.Clear();
        Changed?.Invoke(Guid.Empty);
    }
}
