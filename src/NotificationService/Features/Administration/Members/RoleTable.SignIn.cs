namespace NotificationService.Features.Administration.Members;

public static partial class RoleTable
{
    /// <summary>
    /// Every way a console session is opened (the methods MemberSessions knows) and whom it may open one for. A method
    /// without a row opens nothing (MemberSessions refuses it) and `RoleTableTests` fails, so a new sign-in method has to
    /// say here whom it reaches. No method opens a session above the role of whoever set the method up without that
    /// member's own factor.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SignInMethods = new Dictionary<string, string>
    {
        ["password"] = "any active member, with their own password and then their own code when they have a second factor",
        ["sso"] = "active members up to the role of whoever last saved the single sign-on configuration (SsoReaches), "
            + "then their own code when they have a second factor or must have one",
        ["link"] = "the operator's one-time link (members sign-in-link): any active member, the break-glass path, audited",
    };

    /// <summary>
    /// Whether single sign-on set up by a caller of <paramref name="configuredByRole"/> may sign in a member of
    /// <paramref name="memberRole"/>: only at or below that role. A provider proves only what its configurer could make
    /// it say, so an admin's provider vouching for an owner proves nothing; that owner signs in with their own password
    /// and code (an API key counts as an admin).
    /// </summary>
    public static bool SsoReaches(string configuredByRole, string memberRole) =>
        Array.IndexOf(MemberRoles.All, configuredByRole) is >= 0 and var setter && Array.IndexOf(MemberRoles.All, memberRole) >= setter;
}
