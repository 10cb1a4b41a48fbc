using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

public sealed record TestSendRequest
{
    public RecipientDto? Recipient { get; init; }
    public JsonObject? Data { get; init; }
    public int? Version { get; init; }
}

public sealed record TestSendResult(Guid Id, int Version, string Status, string StatusUrl);

/// <summary>
/// `POST /api/v1/admin/templates/{id}/test-send`: a real notification pinned to one version (the latest by default, so a
/// draft can be tried before publishing), high priority, through the tenant's providers. It lives here rather than in
/// Templates because it creates a notification: Templates checks the version renders, this feature accepts it.
/// </summary>
public sealed class TemplateTestSend(TemplateTrial trial, ProviderDirectory providers, NotificationLedger ledger, NotificationWriter writer,
    TenantStore tenants, MonthlyQuotas quotas)
{
    public async Task<TestSendResult> SendAsync(Guid tenantId, Guid id, TestSendRequest req, string statusBase, CancellationToken ct)
    {
        var stored = await trial.FindVersionAsync(tenantId, id, req.Version, ct);
        var channel = stored.Version.Channel;
        var errors = new Dictionary<string, string[]>();
        if (req.Recipient is null) errors["recipient"] = ["A recipient is required."];
        else RecipientRules.Check(channel, req.Recipient, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);
        trial.EnsureRenderable(stored, req.Data, await tenants.LinkPolicyAsync(tenantId, ct));
        if (!await providers.CanDeliverAsync(tenantId, channel, ct))
            throw new UnprocessableException($"The tenant has no enabled provider for the '{channel}' channel.");

        var draft = new NotificationDraft(
            Uuid7.New(), tenantId, channel, JobPriority.High, StoredRecipient.From(req.Recipient!), stored.Key,
            stored.Version.Id, stored.Locale, Content: null, req.Data, Category: null, Metadata: null, SendAt: null);
        var (charged, charge) = await quotas.ChargeDraftsAsync(tenantId, [draft], "This test send", ct);   // a test is a message too
        try
        {
            await using var tx = await ledger.BeginAsync(ct);
            await writer.InsertAsync(tx, charged, ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            await quotas.RefundAsync(charge, CancellationToken.None);
            throw;
        }
        return new TestSendResult(draft.Id, stored.Number, "queued", $"{statusBase}/{draft.Id}");
    }

    public static void Map(WebApplication app) =>
        app.MapGroup("/api/v1/admin/templates").WithTags("Admin: templates").RequireScopes()
            .MapPost("/{id:guid}/test-send", async Task<Accepted<TestSendResult>> (Guid id, HttpContext http, TemplateTestSend testSend,
                CancellationToken ct) =>
            {
                var (req, _) = await JsonBody.ReadAsync<TestSendRequest>(http.Request, TemplateAdminEndpoints.TrialBodyLimit, ct);
                var result = await testSend.SendAsync(http.User.TenantId(), id, req,
                    $"{http.Request.PathBase}/api/v1/services/notifications", ct);
                return TypedResults.Accepted(result.StatusUrl, result);
            }).WithSummary("Send a template version to a test recipient").Accepts<TestSendRequest>("application/json");
}
