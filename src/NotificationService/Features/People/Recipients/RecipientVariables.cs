using System.Text.Json.Nodes;

namespace NotificationService.Features.People.Recipients;

/// <summary>
/// `{{recipient.*}}` in templates: the person a notification is for, as their profile describes them, without the sender
/// passing it in `data`. The address the notification goes to (given in the send, or the profile's) is the one shown.
/// </summary>
public static class RecipientVariables
{
    public const string Root = "recipient";

    /// <summary>Whether a template source may read `recipient.*` (a plain text test: a false positive costs a profile read, nothing
    /// more).</summary>
    public static bool Mentioned(string? source) => source is not null && source.Contains(Root, StringComparison.Ordinal);

    public static JsonObject Of(string? userId, string? email, string? phone, ProfileFields? profile)
    {
        var recipient = new JsonObject();
        void Set(string name, string? value) { if (value is not null) recipient[name] = value; }
        Set("userId", userId);
        Set("email", email ?? profile?.Email);
        Set("phone", phone ?? profile?.Phone);
        Set("name", profile?.Name);
        Set("locale", profile?.Locale);
        Set("timezone", profile?.Timezone);
        Set("avatarUrl", profile?.AvatarUrl);
        if (profile?.Data is { } data) recipient["data"] = data;
        return recipient;
    }

    /// <summary>
    /// A copy of <paramref name="data"/> with `recipient` added. A `recipient` object the sender put in the data is merged
    /// over it (RFC 7396: the sender's values win for that send); a `recipient` of another kind is left as the sender gave it.
    /// </summary>
    public static JsonObject Into(JsonObject? data, JsonObject recipient)
    {
        var merged = data?.DeepClone().AsObject() ?? new JsonObject();
        merged[Root] = merged[Root] switch
        {
            null => recipient,
            JsonObject own => MergePatch.Apply(recipient, own),
            var other => other.DeepClone(),
        };
        return merged;
    }
}
