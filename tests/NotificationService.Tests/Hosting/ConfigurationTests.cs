using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NotificationService.Channels;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.Sending.Topics;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Hosting;
using NotificationService.Queue;
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

    /// <summary>A production process skips the walk over every registration at start; the spec hosts run in Development,
    /// where it is done, so a registration that cannot be built fails here rather than on its first use.</summary>
    [Fact]
    public void A_registration_that_cannot_be_built_stops_a_development_host_at_build()
    {
        Assert.Equal("Development", service.Factory.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().EnvironmentName);
        using var host = ApiReplica.Unstarted(service, s => s.AddSingleton<NeedsWhatNobodyRegisters>());
        var e = Assert.Throws<AggregateException>(() => host.Server);
        Assert.Contains(nameof(NeedsWhatNobodyRegisters), e.Message);
    }

    private sealed class NobodyRegistersThis;
    private sealed class NeedsWhatNobodyRegisters(NobodyRegistersThis missing) { public object Missing => missing; }

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

    /// <summary>Delivery claims 300 notifications a batch (ten statements and five commits a batch were a quarter of a
    /// delivery's CPU at 100); queues whose jobs are whole fan-outs, files or erasures keep `Queue:BatchSize`.</summary>
    [Fact]
    public void Delivery_queues_claim_their_own_batch_size_and_the_other_queues_the_default()
    {
        var options = service.Factory.Services.GetRequiredService<QueueProcessorOptions>();

        Assert.All(ChannelNames.All, channel => Assert.Equal(DeliveryServiceExtensions.DeliveryBatchSize, options.BatchSizeOf(channel)));
        Assert.Equal(100, options.BatchSizeOf(WebhookOutbox.Queue));
        Assert.Equal(100, options.BatchSizeOf(FanOutJobHandler.QueueName));
    }

    /// <summary>A delivery handler's first write (`sending`) is a synchronous commit before any provider call, so its claims
    /// need not wait for their own flush. Every other queue's handler may act outside the database straight after its
    /// claim (a webhook POST, a tenant's deletion), and its claim waits for the disk.</summary>
    [Fact]
    public void Only_delivery_queues_claim_without_waiting_for_the_flush()
    {
        var options = service.Factory.Services.GetRequiredService<QueueProcessorOptions>();

        Assert.Equal(ChannelNames.All.Order(), options.ClaimsWithoutFlush.Order());
        Assert.DoesNotContain(WebhookOutbox.Queue, options.ClaimsWithoutFlush);
    }

    [Theory]
    [InlineData(new string[0], 300, 100)]
    [InlineData(new[] { "Queue:BatchSize=50" }, 300, 50)]
    [InlineData(new[] { "Queue:BatchSize=50", "Queue:BatchSizes:email=40" }, 40, 50)]
    [InlineData(new[] { "Queue:BatchSizes:webhooks=20" }, 300, 20)]
    [InlineData(new[] { "Queue:BatchSizes:Email=40" }, 40, 100)]
    public void A_queues_size_in_configuration_wins_over_the_features_which_wins_over_the_default(string[] settings, int email, int webhooks)
    {
        var section = Section(settings);
        var options = new QueueProcessorOptions
            { BatchSize = section.GetValue("BatchSize", 100), BatchSizes = QueueWorkers.BatchSizes(section, [new WorkQueue("email", 300), new WorkQueue("webhooks")]) };

        Assert.Equal(email, options.BatchSizeOf("email"));
        Assert.Equal(webhooks, options.BatchSizeOf("webhooks"));
    }

    [Fact]
    public void A_batch_size_below_one_stops_the_start_with_the_setting_named() =>
        Assert.Contains("Queue:BatchSizes:email", Assert.Throws<InvalidOperationException>(
            () => QueueWorkers.BatchSizes(Section(["Queue:BatchSizes:email=0"]), [new WorkQueue("email", 300)])).Message);

    private static IConfigurationSection Section(string[] settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])))
        .Build().GetSection("Queue");
}
