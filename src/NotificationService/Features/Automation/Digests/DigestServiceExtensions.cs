using NotificationService.Contracts;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Digests;

/// <summary>Digest and throttle windows for workflow steps: the engine's <see cref="IStepWindows"/> and the `digest-close`
/// jobs on the workflows queue, and the read-only views the console shows. No endpoints of their own: runs and their
/// timelines show what the windows did.</summary>
public static class DigestServiceExtensions
{
    public static IServiceCollection AddDigests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DigestOptions.From(configuration));
        services.AddSingleton<DigestCloser>();
        services.AddSingleton<LiveDigestItems>();
        services.AddSingleton<DigestWindowViews>();
        services.AddSingleton<IStepWindows, RunWindows>();
        services.AddSingleton<IJobHandler, DigestCloseHandler>();
        services.AddSingleton<IJobHandler, DigestedRunsHandler>();
        services.AddSingleton<IRetainedData, DigestWindowRetention>();
        return services;
    }
}
