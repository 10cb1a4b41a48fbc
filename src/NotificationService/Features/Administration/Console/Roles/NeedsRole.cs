namespace NotificationService.Features.Administration.Console.Roles;

/// <summary>What a member reads where their role stops them: the roles a row of the table needs and who can grant one.</summary>
public static class NeedsRole
{
    public static string Roles(string key) => string.Join(" or ", ConsoleRoutes.RolesFor(key));

    public static string Sentence(string key) =>
        $"This needs the role {Roles(key)}. An owner or admin of your team can change your role on the Members page.";
}
