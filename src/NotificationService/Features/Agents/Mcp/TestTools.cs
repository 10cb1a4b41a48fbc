using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using NotificationService.Channels;
using NotificationService.Channels.Sandbox;
using NotificationService.Contracts;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// Tests an agent may run, through the API's own code: a template's test send (<see cref="TemplateTestSend"/>) and a
/// workflow trigger (<see cref="WorkflowTrigger"/>), each checked and refused exactly as there. What an agent does may
/// have been steered by what it read, so neither reaches a real person: a test send goes to the sandbox or to the calling
/// member's own address, a trigger to one test user (a userId starting with <see cref="TestUserPrefix"/>).
/// </summary>
[McpServerToolType]
public sealed class TestTools(TemplateTestSend testSend, TemplateQueries templates, ProviderDirectory providers, WorkflowTrigger trigger,
    IHttpContextAccessor http)
{
    public const string TestUserPrefix = "test-";
    /// <summary>Where a sandbox test goes: reserved example addresses, delivered only by a sandbox provider.</summary>
    public static readonly IReadOnlyDictionary<string, RecipientDto> SandboxRecipients = new Dictionary<string, RecipientDto>
    {
        [ChannelNames.Email] = new() { Email = "sandbox-test@example.com" },
        [ChannelNames.Sms] = new() { Phone = "+14155550100" },
        [ChannelNames.WhatsApp] = new() { Phone = "+14155550100" },
    };

    public sealed record TestSent(Guid NotificationId, int Version, string Status, string To);

    public sealed record TestRun(Guid RunId, string UserId);

    private ClaimsPrincipal User => http.HttpContext!.User;

    [McpServerTool(Name = "send_test", Destructive = false, Idempotent = false, OpenWorld = true), Description(
        "Send a test of a template version (the latest by default, so a draft can be tried) to the sandbox, or to your own " +
        "e-mail address when you call with a member's token. Returns the notification's id: explain_notification follows it.")]
    public async Task<TestSent> SendTestAsync(
        [Description("The template's key")] string template,
        [Description("'sandbox' (the tenant's sandbox provider records it) or 'me' (the calling member's own e-mail address)")] string to,
        [Description("Its channel, when the key has templates on several")] string? channel = null,
        [Description("Its locale, when the key has templates in several")] string? locale = null,
        [Description("The data to render with (a JSON object)")] JsonObject? data = null,
        [Description("A version number (default: the latest)")] int? version = null,
        CancellationToken ct = default)
    {
        var tenantId = User.TenantId();
        var found = await TemplateTools.FindAsync(templates, tenantId, template, channel, locale, ct);
        var recipient = to switch
        {
            "me" => Own(found.Channel),
            "sandbox" => await SandboxAsync(tenantId, found.Channel, ct),
            _ => throw new McpException("to: 'sandbox' or 'me'."),
        };
        var sent = await ToolErrors.AnswerAsync(() => testSend.SendAsync(tenantId, found.Id,
            new TestSendRequest { Recipient = recipient, Data = data, Version = version }, "/api/v1/services/notifications", ct));
        return new TestSent(sent.Id, sent.Version, sent.Status, to == "me" ? recipient.Email! : "sandbox");
    }

    [McpServerTool(Name = "trigger_workflow_test", Destructive = false, Idempotent = false, OpenWorld = true), Description(
        "Trigger a workflow's published version for one test user (a userId starting with 'test-'), with data, as the API's " +
        "trigger does. Returns the run's id: get_workflow_run follows it.")]
    public async Task<TestRun> TriggerTestAsync(
        [Description("The workflow's key")] string workflow,
        [Description("The test user's userId: it starts with 'test-'")] string userId,
        [Description("The trigger's data (a JSON object, at most 256 KB)")] JsonObject? data = null,
        CancellationToken ct = default)
    {
        if (!userId.StartsWith(TestUserPrefix, StringComparison.Ordinal))
            throw new McpException(
                $"userId: a test user's userId starts with '{TestUserPrefix}'; an agent never triggers a workflow for a real person.");
        var body = new JsonObject { ["recipients"] = new JsonArray(userId) };
        if (data is not null) body["data"] = data.DeepClone();
        var raw = JsonSerializer.SerializeToUtf8Bytes(body, JsonBody.Options);
        var request = JsonSerializer.Deserialize<TriggerRequest>(raw, JsonBody.Options)!;
        var outcome = await ToolErrors.AnswerAsync(() => trigger.TriggerAsync(User.TenantId(), workflow, request, raw, null, "", ct));
        return new TestRun(JsonSerializer.Deserialize<TriggerAccepted>(outcome.Body, JsonBody.Options)!.RunIds.Single(), userId);
    }

    /// <summary>The calling member's own e-mail address: a key has none, and a member has no phone or device here.</summary>
    private RecipientDto Own(string channel)
    {
        if (User.FindFirstValue(AuthClaims.MemberEmail) is not { } email)
            throw new McpException(
                "to: 'me' is the calling member's own address, and a key has none: use 'sandbox', or call with a member's token.");
        if (channel != ChannelNames.Email)
            throw new McpException($"to: 'me' sends to your e-mail address, and this template is for {channel}: use 'sandbox'.");
        return new RecipientDto { Email = email };
    }

    /// <summary>A reserved address, and only where every enabled provider of the channel is a sandbox: so it records, never
    /// delivers.</summary>
    private async Task<RecipientDto> SandboxAsync(Guid tenantId, string channel, CancellationToken ct)
    {
        if (!SandboxRecipients.TryGetValue(channel, out var recipient))
            throw new McpException(
                $"to: a sandbox test is for {string.Join(", ", SandboxRecipients.Keys)} templates; this one is for {channel}.");
        var configured = await providers.ForChannelAsync(tenantId, channel, ct);
        if (configured.Count == 0)
            throw new McpException($"to: the tenant has no enabled provider for the '{channel}' channel.");
        if (configured.FirstOrDefault(p => p.Kind != SandboxAdapter.KindName) is { } real)
            throw new McpException(
                $"to: the '{channel}' channel delivers through a real provider ({real.Kind}), so a sandbox test would reach it: use 'me'.");
        return recipient;
    }
}
