using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
}
