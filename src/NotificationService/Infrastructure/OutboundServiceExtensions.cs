using NotificationService.Channels.Outbound;

namespace NotificationService.Infrastructure;

public static class OutboundServiceExtensions
{
    /// <summary>
    /// The one outbound guard, before the provider adapters and webhooks that use it. `Outbound:AllowedTargets` (host
    /// names, addresses or CIDR ranges; comma-separated or a list) is the operator's allow-list for every tenant-supplied
    /// destination; `Webhooks:AllowedTargets`, its earlier name, still counts.
    /// </summary>
    public static IServiceCollection AddOutboundGuard(this IServiceCollection services, IConfiguration config) =>
        services.AddSingleton(sp => new OutboundGuard(
            [.. List(config, "Outbound:AllowedTargets"), .. List(config, "Webhooks:AllowedTargets")],
            sp.GetRequiredService<ILogger<OutboundGuard>>(), sp.GetService<HostResolver>()))   // refusals read alike to tenants;
                                                                                               // the log says why
            .AddSingleton<Contracts.ChatHostCheck>();

    private static IEnumerable<string> List(IConfiguration config, string key) =>
        config.GetSection(key).Get<string[]>() ?? (config[key] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
}
