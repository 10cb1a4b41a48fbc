using Npgsql;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Tenancy.Suspension;

/// <summary>
/// Hears every tenant status change committed on any replica (`LISTEN tenant_status`, the id as payload) and makes this
/// replica's <see cref="TenantSuspension"/> forget it. A connection of its own rather than the inbox hub's: tenancy is
/// the bottom wing and may not use the People wing. When the connection comes (back) up everything is forgotten, since a
/// change committed while nobody listened is never announced again.
/// </summary>
public sealed class TenantStatusListener(NpgsqlDataSource db, TenantSuspension suspension, ILogger<TenantStatusListener> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                conn.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var tenantId)) suspension.Forget(tenantId);
                };
                await using (var cmd = new NpgsqlCommand($"listen {TenantStatuses.NotifyChannel}", conn))
                    await cmd.ExecuteNonQueryAsync(ct);
                suspension.ForgetAll();
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                suspension.ForgetAll();
                log.LogWarning(e,
                    "Tenant status LISTEN connection lost; a change made meanwhile is seen when cached answers expire (30 s)");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { break; }
            }
        }
    }
}
