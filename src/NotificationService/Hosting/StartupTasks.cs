using NotificationService.Features.Seed;

namespace NotificationService.Hosting;

/// <summary>
/// Runs before the workers and the web server start: applies migrations (under the advisory lock),
/// then seeds the demo tenant when running on the embedded default or when `Seed:OnStart` is true.
/// </summary>
public sealed class StartupTasks(DatabaseMigrations migrations, IServiceScopeFactory scopes, IConfiguration config) : IHostedService
{
    public bool Completed { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        if (config.GetValue("Migrations:OnStart", true)) await migrations.ApplyAsync(ct);
        var seed = config.GetValue<bool?>("Seed:OnStart") ?? config.GetValue("Postgres:Embedded", false);
        if (seed)
        {
            await using var scope = scopes.CreateAsyncScope();
            DemoSeeder.Print(await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(ct), Console.Out);
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
