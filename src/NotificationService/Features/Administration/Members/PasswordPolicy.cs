using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// NIST SP 800-63B §5.1.1.2: at least <see cref="MinLength"/> characters, any characters (spaces and emoji too), no
/// composition rules and no expiry; refused when it is one of the most common passwords or the member's own email.
/// The upper bound only keeps the hash's input bounded.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10, MaxLength = 256;

    // The head of the published most-common lists (those of 10+ characters, as shorter ones fail the length already).
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "1234567890", "12345678910", "123456789a", "0123456789", "1q2w3e4r5t", "qwertyuiop", "1qaz2wsx3edc", "password1", "password12",
        "password123", "password1234", "passw0rd123", "iloveyou123", "qwerty12345", "qwerty123456", "abcdefghij", "abc1234567",
        "1111111111", "0000000000", "aaaaaaaaaa", "11111111111", "123123123123", "123456123456", "princess123", "football123",
        "welcome123", "letmein123", "administrator", "changeme123", "trustno1234", "sunshine123", "monkey12345", "dragon12345",
        "qazwsxedcrfv", "asdfghjkl1", "zxcvbnm123", "superman123", "starwars123", "master12345", "baseball123", "computer123",
    };

    /// <summary>The refusal as a ProblemDetails naming <paramref name="field"/>; nothing when the password is acceptable.</summary>
    public static void Check(string? password, string email, string field = "password")
    {
        if (password is null || password.Length < MinLength)
            throw RequestValidationException.For(field,
                $"Use at least {MinLength} characters. Any characters work: a few unrelated words make a good password.");
        if (password.Length > MaxLength) throw RequestValidationException.For(field, $"Use at most {MaxLength} characters.");
        if (Common.Contains(password) || password.Distinct().Count() < 3)
            throw RequestValidationException.For(field, "That password is among the most common ones; choose another.");
        if (string.Equals(password.Trim(), email, StringComparison.OrdinalIgnoreCase))
            throw RequestValidationException.For(field, "The password cannot be your email address.");
    }
}
