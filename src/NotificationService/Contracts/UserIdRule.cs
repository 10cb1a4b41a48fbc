using System.Globalization;
using System.Text;

namespace NotificationService.Contracts;

/// <summary>
/// The one rule for a userId that a write stores or a token names (sends, identify, devices, preferences, topics, events,
/// workflows, minted and verified end-user tokens): 1 to 256 characters, in Unicode NFC, no control or format characters
/// (a tab, NUL, a zero-width space, a soft hyphen: Unicode Cc and Cf), no white space at either end and no white space but
/// the plain space inside, and the ASCII hyphen-minus as its only dash.
/// <para>
/// A userId that breaks it is refused, never folded: folding would make two strings one person, so every stored row,
/// lookup, erase and block hash would have to fold the same way forever, and the id a client keeps would not be the one
/// the service keeps. Refused, a look-alike of a blocked user ("bob\u200b", "bob ", "bob\u2011x") cannot become a new user,
/// and the client learns at once which character it sent.
/// </para>
/// Reads, exports and erasures take any storable userId of the right length (<see cref="LookupProblem"/>), so a user stored
/// before this rule can still be found and erased.
/// </summary>
public static class UserIdRule
{
    public const int MaxLength = RecipientRules.MaxUserIdLength;
    public static readonly string LengthProblem = $"userId must be 1 to {MaxLength} characters.";

    /// <summary>Why <paramref name="userId"/> cannot be stored as a userId, or null when it can.</summary>
    public static string? Problem(string? userId)
    {
        if (LookupProblem(userId) is { } problem) return problem;
        if (char.IsWhiteSpace(userId![0]) || char.IsWhiteSpace(userId[^1])) return "userId must not start or end with white space.";
        foreach (var rune in userId.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format)
                return $"userId must not contain control or invisible formatting characters (found U+{rune.Value:X4}).";
            if (Rune.IsWhiteSpace(rune) && rune.Value != ' ')
                return $"userId must not contain white space other than the plain space (found U+{rune.Value:X4}).";
            if (IsDash(rune, category)) return $"userId must use the ASCII hyphen-minus '-' as its only dash (found U+{rune.Value:X4}).";
        }
        return userId.IsNormalized(NormalizationForm.FormC) ? null : "userId must be in Unicode normalization form C (NFC).";
    }

    /// <summary>What a read or an erase needs of a userId: a length, not only white space, and text PostgreSQL can store.</summary>
    public static string? LookupProblem(string? userId)
    {
        if (userId is not { Length: > 0 and <= MaxLength } || string.IsNullOrWhiteSpace(userId)) return LengthProblem;
        return Infrastructure.StorableText.IsStorable(userId) ? null : Infrastructure.StorableText.Problem;
    }

    public static bool IsValid(string? userId) => Problem(userId) is null;

    /// <summary>Every Unicode dash (Pd: ‐ ‑ ‒ – — ― ⸺ ﹣ － …) and the minus sign, but the ASCII one.</summary>
    private static bool IsDash(Rune rune, UnicodeCategory category) =>
        rune.Value != '-' && (category == UnicodeCategory.DashPunctuation || rune.Value is 0x2212 or 0x2043);
}
