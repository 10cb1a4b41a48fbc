using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Tests.Tree;

/// <summary>Names as file names: one segment, no way out of the folder, and back to exactly the name.</summary>
public sealed class TreeNamesSpecs
{
    [Theory]
    [InlineData("welcome")]
    [InlineData("FCM primary / EU")]
    [InlineData("a\\b:c*d?e\"f<g>h|i")]
    [InlineData("50% off %2F")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("tab\there")]
    [InlineData("Überweisung ✓")]
    public void Every_name_is_one_safe_file_name_that_reads_back_as_the_same_name(string name)
    {
        var file = TreeNames.ToFileName(name);

        Assert.Equal(-1, file.IndexOfAny(['/', '\\', ':', '*', '?', '"', '<', '>', '|', '\t']));
        Assert.NotEqual(".", file);
        Assert.NotEqual("..", file);
        Assert.Equal(name, TreeNames.FromFileName(file));
    }

    [Fact]
    public void An_ordinary_key_is_its_own_file_name()
    {
        Assert.Equal("order-shipped", TreeNames.ToFileName("order-shipped"));
        Assert.Equal("Sandbox email", TreeNames.ToFileName("Sandbox email"));
    }
}
