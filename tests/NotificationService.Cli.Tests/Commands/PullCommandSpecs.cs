using System.Text.Json.Nodes;
using NotificationService.Cli.Commands;
using NotificationService.Cli.Tests.Tree;

namespace NotificationService.Cli.Tests.Commands;

/// <summary>`pull`: the whole tenant lands as a tree, the user's own files beside it untouched.</summary>
public sealed class PullCommandSpecs
{
    [Fact]
    public async Task Pulling_again_keeps_the_sample_json_the_user_wrote()
    {
        var dir = Directory.CreateTempSubdirectory("ns-pull-").FullName;
        try
        {
            using var http = new StubService(SampleExport.Create()).Client();
            Assert.Equal(0, await PullCommand.RunAsync(http, null, dir, TextWriter.Null, TextWriter.Null, CancellationToken.None));
            var sample = Path.Combine(dir, "templates", "login", "push.de", "sample.json");
            File.WriteAllText(sample, "{\"name\": \"Ada\"}");

            Assert.Equal(0, await PullCommand.RunAsync(http, null, dir, TextWriter.Null, TextWriter.Null, CancellationToken.None));

            Assert.Equal("{\"name\": \"Ada\"}", File.ReadAllText(sample));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task A_tenant_whose_provider_names_hold_separators_or_repeat_pulls_and_then_shows_no_difference()
    {
        var export = SampleExport.Create();
        var (eu, twin) = (Guid.NewGuid(), Guid.NewGuid());
        export["providers"] = new JsonArray(
            SampleExport.Provider("push", "FCM primary / EU", eu), SampleExport.Provider("push", "C:\\fcm", Guid.NewGuid()),
            SampleExport.Provider("email", "primary", twin, from: "a@acme.test"),
            SampleExport.Provider("email", "primary", Guid.NewGuid(), from: "b@acme.test"));
        var dir = Directory.CreateTempSubdirectory("ns-pull-").FullName;
        try
        {
            using var http = new StubService(export).Client();
            var errors = new StringWriter();
            Assert.Equal(0, await PullCommand.RunAsync(http, null, dir, TextWriter.Null, errors, CancellationToken.None));

            Assert.Equal("", errors.ToString());
            Assert.True(File.Exists(Path.Combine(dir, "providers", "push", "FCM primary %2F EU.json")));
            Assert.True(File.Exists(Path.Combine(dir, "providers", "push", "C%3A%5Cfcm.json")));
            Assert.Equal(2, Directory.GetFiles(Path.Combine(dir, "providers", "email")).Length);   // both configurations kept
            Assert.Contains("a@acme.test", File.ReadAllText(Path.Combine(dir, "providers", "email", $"primary~{twin}.json")));
            var diff = new StringWriter();
            Assert.Equal(0, await DiffCommand.RunAsync(http, null, dir, diff, TextWriter.Null, CancellationToken.None));
            Assert.Equal("No differences.", diff.ToString().TrimEnd());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
