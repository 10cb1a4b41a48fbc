using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;
using NotificationService.Features.Operations.Usage;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Features.Tenancy.Suspension;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// What the platform does to tenants: every write goes through the tenants table's owner (<see cref="TenantStore"/>),
/// the rate limits' (<see cref="TenantLimits"/>) and the quotas' (<see cref="PlatformQuotas"/>); this class validates,
/// composes and answers, and records each change in the tenant's audit log under <c>actor</c> (the operator key's name).
/// </summary>
public sealed partial class PlatformTenants(TenantStore tenants, TenantLimits limits, UsageStore usage, TenantSuspension suspension,
    ITenantOwnerOnboarding onboarding, TenantDeletionStore deletions, TenantDeletionJobs deletionJobs, NpgsqlDataSource db,
    TimeProvider clock, PlatformQuotas quotas, AuditLog audit)
{
    public const string AuditTarget = "tenant";

    public const int MaxPageSize = 100;

    /// <summary>Creates the tenant (or, for a retried Idempotency-Key, answers the one it made: <c>Created</c> false).</summary>
    public async Task<(CreatedPlatformTenant Answer, bool Created)> CreateAsync(CreateTenantRequest request, byte[] raw,
        string? idempotencyKey, string actor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 200)
            errors["name"] = ["A tenant name of 1 to 200 characters is required."];
        if (request.Slug is not null && !Slug().IsMatch(request.Slug))
            errors["slug"] = ["A slug is 1 to 63 lower-case letters, digits and inner hyphens (e.g. acme-eu)."];
        if (request.OwnerEmail is not null && (request.OwnerEmail.Length > 254 || !Email().IsMatch(request.OwnerEmail)))
            errors["ownerEmail"] = ["An email address (name@domain) of at most 254 characters."];
        var changes = ValidateLimits(request.Limits, errors);
        var quotaChanges = PlatformQuotas.Validate(request.Quotas, errors);
        if (idempotencyKey is { Length: 0 or > 255 }) errors[IdempotencyStore.Header] = ["An Idempotency-Key is 1 to 255 characters."];
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var hash = idempotencyKey is null ? null : SHA256.HashData(IdempotencyStore.CanonicalJson(raw));
        var (id, created) = await tenants.CreateForPlatformAsync(request.Name!.Trim(), request.Slug, idempotencyKey, hash, ct);
        if (!created)
            return (new CreatedPlatformTenant(id, await ViewAsync(id, ct) ?? throw new NotFoundException("Tenant"), null, null), false);
        await ApplyLimitsAsync(id, changes, ct);
        await quotas.ApplyAsync(id, quotaChanges, ct);
        var access = await onboarding.OnboardAsync(id, request.OwnerEmail, ct);
        var view = (await ViewAsync(id, ct))!;
        await audit.RecordAsync(actor, id, "tenant.create", AuditTarget, id.ToString(), null,
            view, ct);   // the view: never the first key or link
        return (new CreatedPlatformTenant(id, view, access.ApiKey, access.InvitationUrl), true);
    }

    public async Task<PlatformTenantPage> ListAsync(string? cursor, string? status, int? limit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        Guid? after = null;
        if (cursor is not null)
        {
            if (Guid.TryParse(cursor, out var c)) after = c;
            else errors["cursor"] = ["Use the nextCursor of the previous page."];
        }
        if (status is not null and not (TenantStatuses.Active or TenantStatuses.Suspended))
            errors["status"] = ["One of active, suspended."];
        if (limit is < 1 or > MaxPageSize) errors["limit"] = [$"From 1 to {MaxPageSize}."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var size = limit ?? 50;
        var records = await tenants.ListRecordsAsync(after, status, size + 1, ct);
        var page = records.Take(size).ToList();
        var views = await ViewsAsync(page, ct);
        return new PlatformTenantPage(views, records.Count > size ? page[^1].Id.ToString() : null);
    }

    public async Task<PlatformTenantView?> ViewAsync(Guid id, CancellationToken ct) =>
        await tenants.FindRecordAsync(id, ct) is { } record ? (await ViewsAsync([record], ct))[0] : null;

    /// <summary>Changes the tenant's limits; null: no such tenant.</summary>
    public async Task<PlatformTenantView?> UpdateAsync(Guid id, UpdateTenantRequest request, string actor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var changes = ValidateLimits(request.Limits, errors);
        var quotaChanges = PlatformQuotas.Validate(request.Quotas, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);
        if (await ViewAsync(id, ct) is not { } before) return null;
        await ApplyLimitsAsync(id, changes, ct);
        await quotas.ApplyAsync(id, quotaChanges, ct);
        var after = await ViewAsync(id, ct);
        await audit.RecordAsync(actor, id, "tenant.update", AuditTarget, id.ToString(), new { before.Limits, before.Quotas },
            new { after!.Limits, after.Quotas }, ct);
        return after;
    }

    /// <summary>Suspends or resumes; this replica forgets its cached answer at once, the others when they hear the change.</summary>
    public async Task<PlatformTenantView?> SetStatusAsync(Guid id, string status, string actor, CancellationToken ct)
    {
        if (!await tenants.SetStatusAsync(id, status, ct)) return null;
        suspension.Forget(id);
        await audit.RecordAsync(actor, id, status == TenantStatuses.Suspended ? "tenant.suspend" : "tenant.resume", AuditTarget,
            id.ToString(), null, new { status }, ct);
        return await ViewAsync(id, ct);
    }

    /// <summary>
    /// Starts deleting the tenant (or answers the deletion already running); null: no such tenant. The tenant is
    /// suspended first, so nothing new arrives and nothing it had accepted runs while its rows go. The request is recorded
    /// in the tenant's audit log (which the deletion then deletes) and, outliving the tenant, in the deletion's own row
    /// (<paramref name="requestedBy"/>, when, and when it completed; by the deletion's id, never the tenant's).
    /// </summary>
    public async Task<Guid?> DeleteAsync(Guid id, string requestedBy, CancellationToken ct, bool enqueue = true)
    {
        if (!await tenants.SetStatusAsync(id, TenantStatuses.Suspended, ct)) return null;
        suspension.Forget(id);
        // Before the job exists, so the deletion cannot pass the audit log before this entry lands there.
        await audit.RecordAsync(requestedBy, id, "tenant.delete", AuditTarget, id.ToString(), null,
            new { status = TenantStatuses.Suspended }, ct);
        Guid deletionId;
        bool created;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            // The row is the job's outbox: the job is enqueued after commit (TenantDeletionJobs), so a request that rolls
            // back leaves no job, and one that stops after its commit leaves a row the pickup enqueues.
            (deletionId, created) = await deletions.CreateAsync(conn, tx, id, requestedBy, ct);
            await tx.CommitAsync(ct);
        }
        if (created && enqueue) deletionJobs.Enqueue(deletionId);
        if (created) await deletions.MarkEnqueuedAsync(deletionId, ct);   // a job, or the command that asked, runs it
        return deletionId;
    }

    private async Task<List<PlatformTenantView>> ViewsAsync(List<TenantRecord> records, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sums = await usage.SumsAsync([.. records.Select(r => r.Id)], new DateOnly(now.Year, now.Month, 1), ct);
        var views = new List<PlatformTenantView>();
        foreach (var r in records)
        {
            var month = new Dictionary<string, Dictionary<string, long>>();
            foreach (var (_, channel, status, count) in sums.Where(s => s.Tenant == r.Id))
            {
                if (!month.TryGetValue(channel, out var byStatus)) month[channel] = byStatus = [];
                byStatus[status] = count;
            }
            var own = new Dictionary<string, TenantLimitView>();
            foreach (var c in EndpointClasses.All)
            {
                var (limit, overridden) = await limits.ForAsync(r.Id, c, ct);
                own[c.Name()] = new TenantLimitView(limit.PerSecond, limit.Burst, overridden ? "tenant" : "default");
            }
            views.Add(new PlatformTenantView(r.Id, r.Name, r.Slug, r.Status, r.CreatedAt, r.StatusChangedAt, r.LastActivityAt, month, own,
                await quotas.ViewAsync(r.Id, ct)));
        }
        return views;
    }

    private static List<(EndpointClass Class, RateLimit? Limit)> ValidateLimits(Dictionary<string, RateLimitInput?>? input,
        Dictionary<string, string[]> errors)
    {
        var changes = new List<(EndpointClass, RateLimit?)>();
        foreach (var (name, value) in input ?? [])
        {
            if (EndpointClasses.Parse(name) is not { } c)
            {
                errors[$"limits.{name}"] = ["One of send, batch, admin, end_user."];
                continue;
            }
            if (value is null) { changes.Add((c, null)); continue; }
            if (value.PerSecond is not (> 0 and <= 1_000_000)) errors[$"limits.{name}.perSecond"] = ["Above 0 and at most 1000000."];
            if (value.Burst is not (>= 1 and <= 10_000_000)) errors[$"limits.{name}.burst"] = ["From 1 to 10000000."];
            if (value is { PerSecond: > 0 and <= 1_000_000, Burst: >= 1 and <= 10_000_000 })
                changes.Add((c, new RateLimit(value.PerSecond.Value, value.Burst.Value)));
        }
        return changes;
    }

    private async Task ApplyLimitsAsync(Guid id, List<(EndpointClass Class, RateLimit? Limit)> changes, CancellationToken ct)
    {
        foreach (var (c, limit) in changes)
            if (limit is null) await limits.ResetAsync(id, c, ct);
            else await limits.SetAsync(id, c, limit, ct);
    }

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Slug();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();
}
