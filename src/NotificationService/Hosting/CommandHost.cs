using NotificationService.Postgres;

namespace NotificationService.Hosting;

/// <summary>The service's container without the web server: for CLI commands that touch the database.</summary>
public sealed class CommandHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    public IReadOnlyList<Migration> Applied { get; }
    public IServiceProvider Services => _app.Services;

    private CommandHost(WebApplication app, IReadOnlyList<Migration> applied) { _app = app; Applied = applied; }

    public static async Task<CommandHost> StartAsync(string[] args, CancellationToken ct)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // stdout is the command's answer (`tenants create --json` prints only JSON there): logs go to stderr.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        StartupConfiguration.Validate(builder.Configuration);
        await builder.AddDatabaseAsync(ct);
        builder.AddServiceFeatures(includeWorkers: false);
        var app = builder.Build();
        if (app.Services.GetService<EmbeddedPostgres>() is { } cluster)
            Console.Error.WriteLine(DatabaseSetup.EmbeddedLine(cluster, app.Services.GetRequiredService<EmbeddedDataDirectory>()));
        var applied = await app.Services.GetRequiredService<DatabaseMigrations>().ApplyAsync(ct);
        return new CommandHost(app, applied);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
