using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace NotificationService.Features.Operations.Jobs;

/// <summary>
/// Hangfire keeps its job activator and log provider in process-wide statics, which every host sets as it builds its
/// Hangfire configuration. One process normally runs one host; a test process runs many, one after another, and a
/// server that activates jobs through another host's (disposed) service provider, or logs through its disposed logger
/// factory, fails its jobs with ObjectDisposedException. So each host registers its own activator (AddHangfire keeps a
/// registration made before it, and every server and client of the host resolves it), and the log provider it installs
/// drops a line, rather than throwing, once the host that installed it has stopped.
/// </summary>
public static class HostBoundHangfire
{
    public static IServiceCollection AddHostBoundActivator(this IServiceCollection services) =>
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));

    public static IGlobalConfiguration UseHostLogs(this IGlobalConfiguration configuration, IServiceProvider services) =>
        configuration.UseLogProvider(new StoppedHostTolerantLogs(new AspNetCoreLogProvider(services.GetRequiredService<ILoggerFactory>())));

    private sealed class StoppedHostTolerantLogs(ILogProvider inner) : ILogProvider
    {
        public ILog GetLogger(string name) => new LazyLog(inner, name);

        private sealed class LazyLog(ILogProvider inner, string name) : ILog
        {
            private ILog? _log;

            public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
            {
                try { return (_log ??= inner.GetLogger(name)).Log(logLevel, messageFunc, exception); }
                catch (ObjectDisposedException) { return false; }
            }
        }
    }
}
