using NotificationService.Features.Administration.Members;
using NotificationService.Infrastructure;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>NIST SP 800-63B: length, not composition; the most common passwords and one's own email refused.</summary>
public class PasswordPolicyTests
{
    [Theory]
    [InlineData("correct horse battery staple")]   // words and spaces, no digit, no capital: fine
    [InlineData("ÄÖÜ äöü ß €")]                    // any characters count
    [InlineData("abcdefgh12")]
    public void A_long_enough_password_of_any_characters_is_accepted(string password) => PasswordPolicy.Check(password, "ada@example.com");

    [Theory]
    [InlineData("short", "at least 10")]
    [InlineData("1234567890", "most common")]
    [InlineData("aaaaaaaaaaaa", "most common")]
    [InlineData("ada@example.com", "email")]
    public void A_short_common_or_own_email_password_is_refused_naming_the_field(string password, string says)
    {
        var e = Assert.Throws<RequestValidationException>(() => PasswordPolicy.Check(password, "ada@example.com"));
        Assert.Contains(says, Assert.Single(e.Errors["password"]));
    }

    [Fact]
    public void A_password_beyond_the_bound_is_refused_before_hashing() =>
        Assert.Throws<RequestValidationException>(() => PasswordPolicy.Check(new string('x', PasswordPolicy.MaxLength) + "yz", "ada@example.com"));

    [Theory]
    [InlineData("  Ada@Example.COM ", "ada@example.com")]
    public void Emails_are_stored_trimmed_and_lower_case(string typed, string stored) => Assert.Equal(stored, MemberEmails.Normalise(typed));

    [Theory]
    [InlineData("ada.lovelace@example.com", "a•••@example.com")]
    [InlineData("+4915112345678", "+49•••78")]
    [InlineData("u1", "•••")]
    public void Masking_keeps_enough_to_tell_rows_apart(string value, string masked) => Assert.Equal(masked, RoleTable.Mask(value));
}
