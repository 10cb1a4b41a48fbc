using System.CommandLine;
using NotificationService.Cli.Commands;

namespace NotificationService.Cli;

/// <summary>
/// `notifications`: a tenant's configuration as a directory of readable files. Exit 0 on success, 1 when the tree or
/// the service refused, 2 on a command line that cannot run. A named class rather than top-level statements: the test
/// project references both this and the service, and two global `Program` types would collide there.
/// </summary>
public static class Notifications
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand(
            "Notifications as code: pull a tenant's configuration into a directory, diff, validate, push and promote it.");
        root.Subcommands.Add(PullCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(PushCommand.Create());
        root.Subcommands.Add(PromoteCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
