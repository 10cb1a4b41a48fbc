using System.IO.Compression;
using System.Xml.Linq;

namespace NotificationService.Tests.Client;

/// <summary>
/// The package as a user gets it: `dotnet pack` makes it (both target frameworks, XML docs, README, licence); a fresh
/// console project outside the repository references it by version from a local folder source (beside the machine's own
/// sources, for its dependencies), builds, and its send reaches the service.
/// </summary>
[Collection("client-service")]
public class ClientPackageTests(ClientServiceFixture service)
{
    [Fact]
    public async Task The_packed_client_installs_into_a_fresh_project_from_a_folder_source_and_sends()
    {
        var tenant = await service.NewRealTenantAsync("email");
        await using var feed = await ClientPackageFeed.PackAsync("NotificationService.Client");
        var version = feed.Version;
        AssertPackageContents(feed.Package("NotificationService.Client"));
        var root = Directory.CreateTempSubdirectory("ns-client-app-").FullName;
        try
        {
            var app = Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), feed.NuGetConfig);
            await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $$"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="NotificationService.Client" Version="{{version}}" />
                    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.14" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
                using Microsoft.Extensions.DependencyInjection;
                using NotificationService.Client;

                var services = new ServiceCollection();
                services.AddNotificationServiceClient(o => { o.BaseAddress = new Uri(args[0]); o.ApiKey = args[1]; });
                using var provider = services.BuildServiceProvider();
                var client = provider.GetRequiredService<NotificationServiceClient>();
                var sent = await client.Notifications.SendAsync(new SendRequest
                {
                    Channel = "email", Recipient = new Recipient { Email = "ada@example.com" },
                    Content = new MessageContent { Subject = "From the package", Body = "Hello" },
                });
                Console.WriteLine($"sent {sent.Notifications[0].Id}");
                """);
            await DotnetProcess.RunAsync(app, TimeSpan.FromMinutes(3), "build", "-nodeReuse:false");   // restores the package by its version
            var output = await DotnetProcess.RunAsync(app, TimeSpan.FromMinutes(1), Path.Combine(app, "bin", "Debug", "net10.0", "app.dll"),
                service.BaseAddress.ToString(), tenant.ApiKey);

            var id = Guid.Parse(output.Split("sent ")[1].Trim()[..36]);
            Assert.Equal("From the package", await service.ScalarAsync<string>(
                "select content->>'subject' from notifications where tenant_id = $1 and id = $2", tenant.Id, id));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    private static void AssertPackageContents(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var tfm in new[] { "net8.0", "net10.0" })
        {
            Assert.Contains($"lib/{tfm}/NotificationService.Client.dll", entries);
            Assert.Contains($"lib/{tfm}/NotificationService.Client.xml", entries);
        }
        Assert.Contains("README.md", entries);
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("expression", metadata.Element(ns + "license")?.Attribute("type")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.Contains(metadata.Element(ns + "dependencies")!.Descendants(ns + "dependency"), d => d.Attribute("id")?.Value == "Microsoft.Extensions.Http.Resilience");
    }
}
