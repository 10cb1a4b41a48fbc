using NotificationService.Infrastructure;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Metrics;

namespace NotificationService.Tests.Support;

/// <summary>The service's instruments on a meter factory of their own, for tests that build features by hand.</summary>
public static class TestMeters
{
    public static ServiceMeter Create() =>
        new(new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
