using NotificationService.Cli.Commands;
using NotificationService.Cli.Tests.Tree;

namespace NotificationService.Cli.Tests.Commands;

/// <summary>`diff` and `push --dry-run` tell the same story about a directory.</summary>
public sealed class DiffCommandSpecs
{
    [Fact]
    public async Task A_sample_json_is_no_difference_as_it_is_no_change_to_push()
    {
        var dir = Directory.CreateTempSubdirectory("ns-diff-").FullName;
        try
        {
            var service = new StubService(SampleExport.Create());
            using var http = service.Client();
            Assert.Equal(0, await PullCommand.RunAsync(http, null, dir, TextWriter.Null, TextWriter.Null, CancellationToken.None));
            File.WriteAllText(Path.Combine(dir, "templates", "login", "push.de", "sample.json"), "{\"name\": \"Ada\"}");
            var (diff, errors) = (new StringWriter(), new StringWriter());

            Assert.Equal(0, await DiffCommand.RunAsync(http, null, dir, diff, errors, CancellationToken.None));
            Assert.Equal("No differences.", diff.ToString().TrimEnd());
            Assert.Equal(0, await PushCommand.RunAsync(http, dir, new(DryRun: true), TextWriter.Null, errors, CancellationToken.None));
            Assert.DoesNotContain("sample", Assert.Single(service.Pushes).ToJsonString());
            Assert.Equal("", errors.ToString());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
