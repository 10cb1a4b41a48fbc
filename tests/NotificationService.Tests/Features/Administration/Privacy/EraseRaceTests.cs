using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.People.Recipients;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// A block and a write naming the same user cannot interleave: a device registration that arrives while an erase holds its
/// block uncommitted waits for it, then sees the block and is a 409 that stores nothing. The spec plays the erase's block
/// transaction on its own connection (the same lock and row `UserBlocklist.BlockAsync` writes), so it decides when it commits.
/// </summary>
[Collection("service")]
public class EraseRaceTests(ServiceFixture service)
{
    [Fact]
    public async Task A_device_registration_racing_a_block_waits_for_it_and_is_refused_with_409_never_stored()
    {
        var tenant = await service.NewTenantAsync();
        var userId = "racing-" + Guid.NewGuid().ToString("N")[..8];
        var blocklist = service.Factory.Services.GetRequiredService<UserBlocklist>();

        await using var conn = await service.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await blocklist.BlockAsync(conn, tx, tenant.Id, userId, default);   // the erase's block, not yet committed

        var register = tenant.Http.PostJsonAsync("/api/v1/services/devices", new { userId, token = "tok-" + userId, platform = "android" });
        // Either the registration waits on the user's lock (a backend waiting in the shared lock statement) or it was answered
        // without waiting: the block commits only then, so the registration is in flight or done when it does.
        await Eventually.Async(async () => register.IsCompleted || await service.ScalarAsync<long>("""
            select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and not l.granted and a.query like '%pg_advisory_xact_lock_shared%'
            """) > 0, "the registration to wait on the user's lock, or to be answered");
        await tx.CommitAsync();

        var response = await register;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(["userId"], await response.ErrorFieldsAsync());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from devices where tenant_id = $1", tenant.Id));
    }
}
