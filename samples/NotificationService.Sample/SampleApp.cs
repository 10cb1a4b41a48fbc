using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NotificationService.Client;
using NotificationService.Client.AspNetCore;
using NotificationService.Client.Webhooks;

namespace NotificationService.Sample;

/// <summary>
/// The sample's whole app. Settings: <c>Notifications:BaseAddress</c>, <c>Notifications:ApiKey</c> (a key with
/// users:write and notifications:send), <c>Notifications:WebhookSecret</c> (your webhook endpoint's <c>whsec_…</c>) and
/// <c>Notifications:WelcomeWorkflow</c> (default <c>welcome</c>).
/// </summary>
public static class SampleApp
{
    public sealed record SignUp(string UserId, string Email, string? Name);

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var settings = builder.Configuration.GetSection("Notifications");

        builder.Services.AddNotificationServiceClient(o =>
        {
            o.BaseAddress = new Uri(settings["BaseAddress"] ?? "http://localhost:5000");
            o.ApiKey = settings["ApiKey"];
        });
        builder.Services.AddNotificationWebhooks(o => o.Verifier.Secrets.Add(settings["WebhookSecret"]
            ?? throw new InvalidOperationException("Set Notifications:WebhookSecret to your webhook endpoint's signing secret.")));
        builder.Services.AddSingleton<ReceivedEvents>();

        var app = builder.Build();
        var workflow = settings["WelcomeWorkflow"] ?? "welcome";

        // Sign-up: the profile first (so the workflow's sends find the address), then the workflow. The sign-up's own id
        // is the Idempotency-Key: a retried sign-up never starts a second welcome.
        app.MapPost("/signup", async (SignUp signUp, NotificationServiceClient notifications, CancellationToken ct) =>
        {
            await notifications.Users.IdentifyAsync(signUp.UserId, new UserProfile { Email = signUp.Email, Name = signUp.Name }, ct);
            var started = await notifications.Workflows.TriggerAsync(workflow, new WorkflowTrigger
            {
                Recipients = [new WorkflowRecipient { UserId = signUp.UserId }],
                Data = new JsonObject { ["name"] = signUp.Name ?? signUp.UserId },
            }, idempotencyKey: $"signup-{signUp.UserId}", ct);
            return Results.Ok(new { runId = started.RunIds.Single() });
        });

        var received = app.Services.GetRequiredService<ReceivedEvents>();
        app.MapNotificationWebhooks("/hooks/notifications", (e, ct) =>
        {
            received.Add(e);
            if (e is NotificationStatusEvent { Status: NotificationStatuses.Failed } failed)
                app.Logger.LogWarning("Notification {Id} failed: {Error}", failed.NotificationId, failed.Error);
            return Task.CompletedTask;
        });
        app.MapGet("/events", () => received.All.Select(e => new { e.WebhookId, e.Type, status = (e as NotificationStatusEvent)?.Status }));
        return app;
    }
}

/// <summary>What the webhook endpoint received, newest last (what a real app would write to its own tables).</summary>
public sealed class ReceivedEvents
{
    private readonly ConcurrentQueue<NotificationEvent> _events = new();
    public void Add(NotificationEvent e) => _events.Enqueue(e);
    public IReadOnlyList<NotificationEvent> All => [.. _events];
}
