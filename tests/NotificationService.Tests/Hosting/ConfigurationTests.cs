using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NotificationService.Hosting;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

[Collection("service")]
public class ConfigurationTests(ServiceFixture service)
{
    /// <summary>Reload-on-change puts a recursive file watcher on the content root, where the embedded default keeps
    /// PostgreSQL's data directory: every WAL write woke it (7.5 % of the service's CPU during a bulk job).</summary>
    [Fact]
    public void No_configuration_file_is_watched_for_changes()
    {
        var root = (IConfigurationRoot)service.Factory.Services.GetRequiredService<IConfiguration>();
        var files = root.Providers.OfType<FileConfigurationProvider>().ToList();

        Assert.NotEmpty(files); // appsettings.json is read
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched for changes"));
    }

    /// <summary>Npgsql's default pool (100) let bursts start ~70 backends that statements then rotated over, each with
    /// cold caches; the service bounds its pool unless the connection string sizes it (BENCHMARKS.md, fourth pass).</summary>
    [Fact]
    public void The_service_pool_is_bounded_by_default()
    {
        var pool = new NpgsqlConnectionStringBuilder(service.Factory.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Equal(DatabaseSetup.DefaultMaxPoolSize, pool.MaxPoolSize);
        Assert.Contains("jit=off", pool.Options);
        Assert.Equal(DatabaseSetup.DefaultMaxAutoPrepare, pool.MaxAutoPrepare);
    }

    /// <summary>Statements are prepared automatically unless the operator says otherwise (`Max Auto Prepare=0` behind a
    /// pooler that cannot keep prepared statements).</summary>
    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("host=db;maxautoprepare=5", 5)]
    [InlineData("Host=db", DatabaseSetup.DefaultMaxAutoPrepare)]
    public void An_operators_auto_prepare_setting_wins_over_the_default(string connectionString, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(DatabaseSetup.ServiceConnectionString(connectionString, 20)).MaxAutoPrepare);

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=50", 50)]
    [InlineData("host=db;maximum pool size=7", 7)]
    [InlineData("Host=db;MaxPoolSize=300", 300)]
    [InlineData("Host=db", 20)]
    public void An_operators_pool_size_in_the_connection_string_wins_over_the_default(string connectionString, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(DatabaseSetup.ServiceConnectionString(connectionString, 20)).MaxPoolSize);
}
