using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>
/// A host of its own with two operator keys configured, one by its value and one by its hash (as `Platform:Keys`
/// takes them): the shared host has none, so its platform API stays off for every other spec.
/// </summary>
public sealed class PlatformFixture : ServiceFixture
{
    public const string ConfiguredKey = "nsp_conf1234_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    public const string HashedKey = "nsp_hash5678_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Platform:Keys:ops", ConfiguredKey);
        builder.UseSetting("Tenants:SuspendedJobRecheckSeconds", "0.5");   // held jobs look again soon after a resume
        builder.UseSetting("Tenants:DeleteSettleSeconds", "3");            // above one usage flush (Usage:FlushSeconds, 2)
        builder.UseSetting("Jobs:SchedulePollSeconds", "0.5");             // a scheduled deletion job starts soon after its settle
        builder.UseSetting("Tenants:DeletePickupCron", "0 0 1 1 *");       // the pickup runs when a spec calls it
        builder.UseSetting("Platform:ConfigJobPickupCron", "0 0 1 1 *");   // likewise for exports and imports
        builder.UseSetting("Jobs:SuspendedRecheckSeconds", "0.5");         // a held Hangfire job looks again soon after a resume
        builder.UseSetting("Platform:Keys:billing", "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(HashedKey))).ToLowerInvariant());
    }

    public HttpClient Platform(string key = ConfiguredKey)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

[CollectionDefinition("platform")]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>;
