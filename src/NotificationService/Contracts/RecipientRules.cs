using System.Net.Mail;
using System.Text.RegularExpressions;
using NotificationService.Channels;

namespace NotificationService.Contracts;

/// <summary>Which recipient field each channel needs, and what a valid one looks like.</summary>
public static partial class RecipientRules
{
    public const int MaxUserIdLength = 256;
    public const int MaxDeviceTokenLength = 4096;
    public const int MaxDeviceTokens = 100;

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    public static partial Regex E164();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LocaleTag();

    /// <summary>A BCP 47 language tag as sends and profiles take it (en, fr-CA, zh-Hant-TW).</summary>
    public static bool IsLocale(string? value) => value is not null && LocaleTag().IsMatch(value);

    public static bool IsEmail(string? value) =>
        value is { Length: <= 320 } && EmailShape().IsMatch(value) && MailAddress.TryCreate(value, out var a) && a.Address == value;

    /// <summary>
    /// Adds an error for the field the channel needs when it is missing or malformed. <paramref name="fromProfile"/>: the
    /// address may come from the recipient's profile at delivery (sends, batches, CSV rows), so a userId stands in for a
    /// missing email or phone; test sends name the address they go to.
    /// </summary>
    public static void Check(string channel, RecipientDto r, IDictionary<string, string[]> errors, bool fromProfile = false)
    {
        var byUser = fromProfile && !string.IsNullOrEmpty(r.UserId);
        switch (channel)
        {
            case ChannelNames.Email when string.IsNullOrEmpty(r.Email) && !byUser:
                errors["recipient.email"] = [fromProfile
                    ? "The email channel needs recipient.email, or a recipient.userId whose profile has one."
                    : "The email channel needs recipient.email."]; break;
            case ChannelNames.Sms or ChannelNames.WhatsApp when string.IsNullOrEmpty(r.Phone) && !byUser:
                errors["recipient.phone"] = [fromProfile
                    ? $"The {channel} channel needs recipient.phone in E.164 form (+14155550100), or a recipient.userId "
                        + $"whose profile has one."
                    : $"The {channel} channel needs recipient.phone in E.164 form (+14155550100)."]; break;
            case ChannelNames.Push when (r.DeviceTokens is null || r.DeviceTokens.Length == 0) && string.IsNullOrEmpty(r.UserId):
                errors["recipient.deviceTokens"] =
                    ["The push channel needs recipient.deviceTokens or a recipient.userId with registered devices."]; break;
            case ChannelNames.Chat when r.Chat is null && !byUser:
                errors["recipient.chat"] = [fromProfile
                    ? "The chat channel needs recipient.chat (a Slack, Teams or Discord destination), or a recipient.userId "
                        + "whose profile has one."
                    : "The chat channel needs recipient.chat (a Slack, Teams or Discord destination)."]; break;
            case ChannelNames.InApp when string.IsNullOrEmpty(r.UserId):
                errors["recipient.userId"] = ["The in_app channel needs recipient.userId."]; break;
        }
        ChatRules.Check(r.Chat, "recipient.chat", errors);
        if (r.Email is not null && !IsEmail(r.Email))
            errors["recipient.email"] = ["Not a valid email address."];
        if (r.Phone is not null && !E164().IsMatch(r.Phone))
            errors["recipient.phone"] = ["Not an E.164 phone number (+ then 7 to 15 digits, e.g. +14155550100)."];
        if (r.UserId is not null && UserIdRule.Problem(r.UserId) is { } userIdProblem)
            errors["recipient.userId"] = [userIdProblem];
        if (r.DeviceTokens is { } tokens)
        {
            if (tokens.Length > MaxDeviceTokens) errors["recipient.deviceTokens"] = [$"At most {MaxDeviceTokens} device tokens."];
            for (var i = 0; i < tokens.Length; i++)
                if (string.IsNullOrWhiteSpace(tokens[i]) || tokens[i].Length > MaxDeviceTokenLength)
                    errors[$"recipient.deviceTokens[{i}]"] = [$"A device token must be 1 to {MaxDeviceTokenLength} characters."];
        }
    }
}
