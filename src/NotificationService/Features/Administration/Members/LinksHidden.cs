using System.Text.RegularExpressions;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// An invitation travels the ordinary send path, so its email, live link included, is stored like any message (the
/// notification's content, the sandbox's copy). The link is shown once, to the inviter; every page that shows a message
/// passes its text through <see cref="In"/>, so nobody reads a live link there, whatever their role: an editor or
/// operator who may read message bodies would otherwise hold a way to join the team as whatever role was invited.
/// </summary>
public static partial class LinksHidden
{
    public const string Marker = "[link hidden: shown once to whoever made it]";

    /// <summary>`…/admin/invite/{tenant}.{secret}` (and a break-glass `/admin/link/…`) →
    /// `…/admin/invite/[link hidden…]`.</summary>
    public static string? In(string? text) => text is null ? null : OneTimeLink().Replace(text, "/admin/$1/" + Marker);

    [GeneratedRegex(@"/admin/(invite|link)/[0-9a-fA-F]{32}\.[A-Za-z0-9_-]{43}")]
    private static partial Regex OneTimeLink();
}
