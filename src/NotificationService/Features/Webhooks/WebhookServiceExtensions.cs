namespace NotificationService.Features.Webhooks;

public static class WebhookServiceExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookRetrySchedule>();
        services.AddSingleton<WebhookOutbox>();
        return services;
    }
}
