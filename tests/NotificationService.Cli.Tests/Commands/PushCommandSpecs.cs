using NotificationService.Cli.Commands;
using NotificationService.Cli.Tests.Tree;

namespace NotificationService.Cli.Tests.Commands;

/// <summary>`push` checks the tree before it reads it: a hand edit of the wrong shape is a problem, never a crash.</summary>
public sealed class PushCommandSpecs
{
    [Theory]
    [InlineData("templates/receipt/email.en/template.json", "{\"layout\":5}")]
    [InlineData("templates/receipt/email.en/template.json", "{\"optionalVariables\":\"x\"}")]
    [InlineData("templates/receipt/email.en/sample.json", "{\"number\": ")]
    [InlineData("workflows/welcome.json", "{\"published\": \"yes\"}")]
    [InlineData("templates/x/carrierpigeon.en/template.json", "{}")]
    public async Task A_tree_file_push_cannot_read_is_named_and_nothing_is_sent(string path, string content)
    {
        var dir = Directory.CreateTempSubdirectory("ns-push-").FullName;
        try
        {
            var service = new StubService(SampleExport.Create());
            using var http = service.Client();
            Assert.Equal(0, await PullCommand.RunAsync(http, null, dir, TextWriter.Null, TextWriter.Null, CancellationToken.None));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
            File.WriteAllText(Path.Combine(dir, path), content);
            var errors = new StringWriter();

            Assert.Equal(1, await PushCommand.RunAsync(http, dir, new(), TextWriter.Null, errors, CancellationToken.None));

            Assert.StartsWith(path + ":", errors.ToString());
            Assert.Empty(service.Pushes);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
