using System.Text.RegularExpressions;

namespace NotificationService.Tests.Docs;

/// <summary>
/// A page whose C# uses a client package tells the reader to pack and add that package: the README once packed only
/// `NotificationService.Client` while its webhook snippet needed `.Client.AspNetCore`, so a reader following it got CS0246.
/// </summary>
public partial class ClientInstallStepsTests
{
    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/dotnet-client.md")]
    public void Every_client_package_a_pages_csharp_uses_is_packed_and_added_by_its_install_steps(string page)
    {
        var blocks = MarkdownDocs.Blocks(page);
        var shell = string.Join("\n", blocks.Where(b => MarkdownDocs.ShellLanguages.Contains(b.Language)).Select(b => b.Code));
        var used = blocks.Where(b => b.Language is "csharp" or "cs")
            .SelectMany(b => UsingClient().Matches(b.Code).Select(m => m.Groups[1].Value))
            .Select(ns => ns.StartsWith("NotificationService.Client.AspNetCore", StringComparison.Ordinal)
                ? "NotificationService.Client.AspNetCore" : "NotificationService.Client")
            .ToHashSet();
        Assert.NotEmpty(used);
        foreach (var package in used)
        {
            Assert.True(shell.Contains($"dotnet pack src/{package} "), $"{page} uses {package} but never packs it");
            Assert.True(shell.Contains($"dotnet add package {package} "), $"{page} uses {package} but never adds it");
        }
    }

    [GeneratedRegex(@"^using (NotificationService\.Client[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex UsingClient();
}
