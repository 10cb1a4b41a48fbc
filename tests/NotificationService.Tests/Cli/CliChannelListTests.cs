using NotificationService.Channels;

namespace NotificationService.Tests.Cli;

/// <summary>
/// The CLI keeps its own copy of the channel names (it ships without the service's assemblies), so a channel the service
/// gains must reach the CLI's validate too, or a tree with that channel's templates would be refused before push.
/// </summary>
public class CliChannelListTests
{
    [Fact]
    public void The_cli_knows_exactly_the_services_channels() =>
        Assert.Equal(ChannelNames.All.Order(), NotificationService.Cli.Tree.TreeLayout.Channels.Order());
}
