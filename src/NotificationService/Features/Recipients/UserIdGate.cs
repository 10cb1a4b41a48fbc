using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Recipients;

/// <summary>
/// The door every write that stores a userId passes before it writes: devices (the service's and the user's own),
/// preferences (both routes), topic membership, minted end-user tokens, live events to users and workflow triggers.
/// Identify, bulk identify, CSV imports and a send's `recipient.profile` pass the same check inside
/// <see cref="ProfileStore.WriteAsync(Guid, IReadOnlyList{ProfileWrite}, string, CancellationToken)"/>'s transaction; a send by userId alone is
/// accepted and ends `skipped`, `erased` at delivery (<see cref="ProfileStore.ForDeliveryAsync"/>).
/// A userId that breaks <see cref="UserIdRule"/> is a 400 naming its field; one erased with `block=true` a 409 naming it,
/// as identify answers, and nothing is written.
/// </summary>
public sealed class UserIdGate(NpgsqlDataSource db, UserBlocklist blocklist)
{
    public Task AdmitAsync(Guid tenantId, string? userId, string field, CancellationToken ct) => AdmitAsync(tenantId, [userId!], _ => field, ct);

    /// <param name="fieldOf">The field that names the userId at an index (`to.userIds[3]`), for the error.</param>
    public async Task AdmitAsync(Guid tenantId, IReadOnlyList<string> userIds, Func<int, string> fieldOf, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < userIds.Count; i++)
            if (UserIdRule.Problem(userIds[i]) is { } problem) errors[fieldOf(i)] = [problem];
        if (errors.Count > 0) throw new RequestValidationException(errors);

        HashSet<string> blocked;
        await using (var conn = await db.OpenConnectionAsync(ct))
            blocked = await blocklist.BlockedAsync(conn, null, tenantId, userIds, ct);
        if (blocked.Count == 0) return;
        for (var i = 0; i < userIds.Count; i++)
            if (blocked.Contains(userIds[i])) errors[fieldOf(i)] = [ProfileStore.BlockedMessage];
        throw new RequestValidationException(errors, StatusCodes.Status409Conflict);
    }
}
