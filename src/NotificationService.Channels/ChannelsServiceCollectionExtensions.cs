using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NotificationService.Channels.Fcm;
using NotificationService.Channels.Meta;
using NotificationService.Channels.Chat;
using NotificationService.Channels.Discord;
using NotificationService.Channels.Outbound;
using NotificationService.Channels.Slack;
using NotificationService.Channels.Teams;
using NotificationService.Channels.SendGrid;
using NotificationService.Channels.Smtp;
using NotificationService.Channels.Twilio;

namespace NotificationService.Channels;

public static class ChannelsServiceCollectionExtensions
{
    /// <summary>Whole-request timeout of every provider HTTP call (a timeout is a transient outcome), unless
    /// `Providers:RequestTimeoutSeconds` says otherwise.</summary>
    public static readonly TimeSpan ProviderRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>`Providers:RequestTimeoutSeconds` when set (a provider known to answer slowly; a spec that holds a call open
    /// past the default to kill the service while it waits), else <see cref="ProviderRequestTimeout"/>.</summary>
    public static TimeSpan RequestTimeout(IServiceProvider sp) =>
        double.TryParse(sp.GetService<Microsoft.Extensions.Configuration.IConfiguration>()?["Providers:RequestTimeoutSeconds"],
            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s) : ProviderRequestTimeout;

    /// <summary>
    /// Registers the real provider adapters as <see cref="IProviderAdapter"/> and one named HttpClient per provider
    /// (sendgrid, twilio, meta, fcm, chat) with a 10 s timeout (<see cref="RequestTimeout"/>) and pooled keep-alive connections.
    /// The sandbox adapter is registered by the service with its recorder, not here.
    /// </summary>
    public static IServiceCollection AddProviderAdapters(this IServiceCollection services)
    {
        // The service registers its configured guard first (Outbound:AllowedTargets); without one, only public addresses.
        services.TryAddSingleton(new OutboundGuard([]));
        foreach (var name in new[] { SendGridAdapter.HttpClientName, TwilioAdapterBase.HttpClientName, MetaWhatsAppAdapter.HttpClientName,
            FcmAdapter.HttpClientName, ChatHttp.HttpClientName })
        {
            services.AddHttpClient(name, (sp, client) =>
                {
                    client.Timeout = RequestTimeout(sp);
                    // product/major.minor.patch: the Graph API contract pins this shape.
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("NotificationService/1.0.0");
                })
                // Tenant-directed: every connect goes through the outbound guard, and no redirect is followed.
                .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().Handler(h =>
                {
                    // One long-lived pool per provider host: keep-alive reuse, recycled every few minutes to follow DNS.
                    h.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
                    h.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60);
                    h.ConnectTimeout = TimeSpan.FromSeconds(5);
                    h.MaxConnectionsPerServer = 256;
                    h.AutomaticDecompression = System.Net.DecompressionMethods.All;
                    h.EnableMultipleHttp2Connections = true;
                }))
                // The handler is long-lived (PooledConnectionLifetime handles DNS), so don't let the factory rotate it.
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
                // The adapters report every call's outcome; the factory's per-request scope and four log lines would repeat it
                // (with the request URI) at a cost on every send.
                .RemoveAllLoggers();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFcmAccessTokenSource, FcmAccessTokenSource>();
        services.TryAddSingleton<SendGridClients>();
        services.TryAddSingleton<TwilioClients>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, SendGridAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, SmtpAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, TwilioSmsAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, TwilioWhatsAppAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, MetaWhatsAppAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, FcmAdapter>());
        services.TryAddSingleton(sp => ChatDoubles.From(sp.GetService<Microsoft.Extensions.Configuration.IConfiguration>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, SlackAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, SlackWebhookAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, TeamsWebhookAdapter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, DiscordWebhookAdapter>());
        return services;
    }
}
