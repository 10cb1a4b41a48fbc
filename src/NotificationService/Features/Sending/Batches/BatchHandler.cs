using System.Text.Json;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Batches;

/// <summary>Accepts send-batch and send-chunk: every accepted recipient's notifications,
/// the batch row and the idempotency key commit together.</summary>
public sealed class BatchHandler(BatchStore batches, BatchExpander expander, NotificationLedger ledger, NotificationWriter writer,
    MonthlyQuotas quotas)
{
    public sealed record Outcome(int StatusCode, string Body, bool Replayed);

    public Task<Outcome> SendBatchAsync(Guid tenantId, SendBatchRequest request, byte[] raw, string? key, CancellationToken ct) =>
        AcceptAsync(tenantId, Uuid7.New(), request with { Recipients = null }, request.Recipients, isNew: true, raw, key, ct);

    public async Task<Outcome> SendChunkAsync(Guid tenantId, SendChunkRequest request, byte[] raw, string? key, CancellationToken ct)
    {
        if (request.BatchId is not { } batchId) throw RequestValidationException.For("batchId", "The batch to add to is required.");
        var definition = await batches.DefinitionAsync(tenantId, batchId, ct) ?? throw new NotFoundException("The batch");
        return await AcceptAsync(tenantId, batchId, definition, request.Recipients, isNew: false, raw, key, ct);
    }

    private async Task<Outcome> AcceptAsync(Guid tenantId, Guid batchId, SendBatchRequest definition, BatchRecipient[]? recipients,
        bool isNew, byte[] raw, string? key, CancellationToken ct)
    {
        var (drafts, rejected) = await expander.ExpandAsync(tenantId, batchId, definition, recipients, ct);

        await using var tx = await ledger.BeginAsync(ct);
        if (key is not null && await IdempotencyStore.ClaimAsync(tx, tenantId, key, raw, ct) is IdempotencyClaim.Replay replay)
        {
            await tx.CommitAsync(ct);
            return new Outcome(replay.StatusCode, replay.Body, Replayed: true);
        }
        var (charged, charge) =
            await quotas.ChargeDraftsAsync(tenantId, drafts, "This batch", ct);   // after the key: a replay is not charged again
        try
        {
            var accepted = recipients!.Length - rejected.Count;
            await batches.RecordChunkAsync(tx, tenantId, batchId, isNew ? definition : null, accepted, rejected.Count, ct);
            await writer.InsertAsync(tx, charged, ct);
            var body = JsonSerializer.Serialize(new BatchAccepted(batchId, accepted, rejected), JsonBody.Options);
            if (key is not null) await IdempotencyStore.SaveResponseAsync(tx, tenantId, key, 202, body, ct);
            await tx.CommitAsync(ct);
            return new Outcome(202, body, Replayed: false);
        }
        catch
        {
            await quotas.RefundAsync(charge, CancellationToken.None);
            throw;
        }
    }
}
