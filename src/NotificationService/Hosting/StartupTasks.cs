using NotificationService.Features.Operations.Seed;

namespace NotificationService.Hosting;

/// <summary>
/// Runs before the workers and the web server start: applies migrations (under the advisory lock),
/// then seeds the demo tenant when running on the embedded default or when `Seed:OnStart` is true.
/// </summary>
public sealed class StartupTasks(DatabaseMigrations migrations, IServiceScopeFactory scopes, IConfiguration config,
    ILogger<StartupTasks> log,
    NotificationService.Postgres.EmbeddedPostgres? embedded = null, EmbeddedDataDirectory? embeddedWhere = null) : IHostedService
{
    public bool Completed { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        if (embedded is not null)
            log.LogInformation(
                "no ConnectionStrings__Postgres configured: using embedded PostgreSQL in {DataDirectory} on 127.0.0.1:{Port} ({Why})",
                embedded.DataDirectory, embedded.Port, embeddedWhere?.Why);
        if (config.GetValue("Migrations:OnStart", true)) await migrations.ApplyAsync(ct);
        var seed = config.GetValue<bool?>("Seed:OnStart") ?? config.GetValue("Postgres:Embedded", false);
        if (seed)
        {
            await using var scope = scopes.CreateAsyncScope();
            var seeded = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(ct);
            // JSON logs (image, chart) stay JSON and carry no key: the demo tenant is one structured line. The plain
            // console of `dotnet run` prints the new key once, as the quick start describes.
            if (LoggingSetup.JsonConsole(config))
                log.LogInformation(
                    "demo tenant {TenantId} ready: API key id {KeyId}, {TemplatesAdded} templates and {ProvidersAdded} providers added",
                    seeded.TenantId, seeded.KeyPrefix, seeded.TemplatesAdded, seeded.ProvidersAdded);
            else DemoSeeder.Print(seeded, Console.Out);
        }
        Completed = true;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

public static class StartupTasksExtensions
{
    public static IServiceCollection AddStartupTasks(this IServiceCollection services)
    {
        services.AddSingleton<StartupTasks>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupTasks>());
        return services;
    }
}
