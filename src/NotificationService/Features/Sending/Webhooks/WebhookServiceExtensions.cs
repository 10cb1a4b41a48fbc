using NotificationService.Channels.Outbound;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Webhooks;

public static class WebhookServiceExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookRetrySchedule>();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<WebhookSubscriptions>();
        services.AddSingleton<INotificationSubscriber, NotificationWebhooks>();   // hears every status change the ledger makes
        services.AddSingleton(new WorkQueue(WebhookOutbox.Queue));
        services.AddSingleton<WebhookEndpointStore>();
        services.AddSingleton<WebhookDeliveryStore>();
        services.AddSingleton<IRetainedData>(sp => sp.GetRequiredService<WebhookDeliveryStore>());
        services.AddSingleton<IJobHandler, WebhookJobHandler>();
        // Redirects are not followed (a 30x could point inside); every connection goes through the SSRF guard.
        services.AddHttpClient(WebhookJobHandler.HttpClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan;   // the handler enforces 15 s per attempt itself
                c.DefaultRequestHeaders.UserAgent.ParseAdd("NotificationService-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().Handler(h =>
            {
                h.UseProxy = false;
                h.PooledConnectionLifetime = TimeSpan.FromMinutes(2);
                h.MaxConnectionsPerServer = 64;
            }));
        return services;
    }
}
