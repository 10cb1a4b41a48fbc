using NotificationService.Channels;
using NotificationService.Channels.Sandbox;
using NotificationService.Features.Providers;
using NotificationService.Features.Templates;
using NotificationService.Queue;
using NotificationService.Templates;

namespace NotificationService.Features.Delivery;

public static class DeliveryServiceExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<ProviderDirectory>();
        services.AddSingleton<TemplateResolver>();
        services.AddSingleton<TemplateVersionStore>();
        services.AddSingleton<TemplateEngine>();
        services.AddSingleton<MessageRenderer>();
        services.AddSingleton<SandboxRecorder>();
        services.AddSingleton<ISandboxRecorder>(sp => sp.GetRequiredService<SandboxRecorder>());
        services.AddSingleton<IProviderAdapter, SandboxAdapter>();
        services.AddProviderAdapters();       // SendGrid, SMTP, Twilio SMS/WhatsApp, Meta WhatsApp, FCM
        services.AddSingleton<InboxWriter>();
        services.AddSingleton<ChannelSender>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<IJobHandler, DeliveryJobHandler>();
        return services;
    }
}
