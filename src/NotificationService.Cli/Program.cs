using System.CommandLine;
using NotificationService.Cli.Commands;

// `notifications`: a tenant's configuration as a directory of readable files. Exit 0 on success, 1 when the tree or
// the service refused, 2 on a command line that cannot run.
var root = new RootCommand("Notifications as code: pull a tenant's configuration into a directory and validate it offline.");
root.Subcommands.Add(PullCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
return await root.Parse(args).InvokeAsync();
