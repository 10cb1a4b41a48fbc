using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NotificationService.Infrastructure;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// With no Secrets:Keys the service makes a local key (issue 29, "warnings at every start"): a newcomer's `dotnet run` is
/// told once, as a warning, when the key is made, and only informed on later starts of the local default; a service on
/// a configured database without keys is warned on every start, since there it is a mistake.
/// </summary>
public class LocalSecretKeyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ns-secret-key-" + Guid.NewGuid().ToString("N")[..8]);

    private LogLevel StartLevel(bool embedded)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Postgres:DataDirectory"] = Path.Combine(_dir, "postgres"),
            ["Postgres:Embedded"] = embedded ? "true" : null,
        }).Build();
        var log = new OneLogger();
        _ = new SecretProtector(config, log);
        return Assert.Single(log.Levels);
    }

    [Fact]
    public void The_local_key_is_a_warning_when_made_then_information_on_the_local_default_and_a_warning_on_a_real_database()
    {
        Assert.Equal(LogLevel.Warning, StartLevel(embedded: true));        // first start: the key is made here
        Assert.True(File.Exists(Path.Combine(_dir, "local-secret-key")));
        Assert.Equal(LogLevel.Information, StartLevel(embedded: true));    // every later `dotnet run`
        Assert.Equal(LogLevel.Warning, StartLevel(embedded: false));       // a configured database with no configured keys
    }

    private sealed class OneLogger : ILogger<SecretProtector>
    {
        public List<LogLevel> Levels { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Levels.Add(logLevel);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
