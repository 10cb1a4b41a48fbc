using NotificationService.Contracts;
using NotificationService.Channels;
using NotificationService.Channels.Sandbox;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Delivery;

public static class DeliveryServiceExtensions
{
    /// <summary>The `deliver` job on one queue per channel: render, provider failover, outcomes through the ledger.</summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services)
    {
        services.AddSingleton<MessageRenderer>();
        services.AddSingleton<ProfileResolution>();   // sends by userId: the profile's address at delivery time
        services.AddSingleton<SandboxRecorder>();
        services.AddSingleton<ISandboxRecorder>(sp => sp.GetRequiredService<SandboxRecorder>());
        services.AddSingleton<IRetainedData>(sp => sp.GetRequiredService<SandboxRecorder>());
        services.AddSingleton<SandboxAdapter>();
        services.AddSingleton<IProviderAdapter>(WorkerCrashTestHook.Sandbox);   // the sandbox itself, unless a test set
                                                                                // Testing:CrashWorkerOnRecipient
        services.AddProviderAdapters();       // SendGrid, SMTP, Twilio SMS/WhatsApp, Meta WhatsApp, FCM
        services.AddSingleton<InboxWriter>();
        services.AddSingleton<ChannelSender>();
        services.AddSingleton<AttemptRecorder>();   // provider calls' outcomes committed as they return, not at the batch's end
        services.AddSingleton<IJobHandler, DeliveryJobHandler>();
        // One queue per channel. A delivery batch claims 300 notifications, not the queues' usual 100: each batch costs a
        // fixed ten statements and five commits, and at 100 that was a quarter of a delivery's CPU (worker and PostgreSQL
        // 110 µs per sandbox delivery at 100, 83 at 300; BENCHMARKS.md, "Delivery batches of 300").
        // The handler's first write is `sending` (NotificationLedger.BeginSendingAsync), a synchronous commit before any
        // provider call: the claim need not wait for its own WAL flush (docs/decisions/claims-without-flush.md).
        foreach (var channel in ChannelNames.All)
            services.AddSingleton(new WorkQueue(channel, BatchSize: DeliveryBatchSize, HandlerCommitsFirst: true));
        return services;
    }

    /// <summary>Notifications per delivery claim (`Queue:BatchSizes:&lt;channel&gt;` overrides it per channel).</summary>
    public const int DeliveryBatchSize = 300;
}
