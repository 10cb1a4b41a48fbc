using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Features.People.Recipients;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

/// <summary>What a send says about its recipient: the `{{recipient.*}}` values accept can know.</summary>
public readonly record struct KnownRecipient(string? UserId, string? Email, string? Phone);

/// <summary>
/// The template variables a send's data leaves out that its delivery would fail for (`missing_variables`), found at accept
/// so the sender hears it as a 422 instead of reading it later in the dead list. Every entry that accepts template sends
/// asks this one class: a send, each batch recipient, a topic send, each CSV row, a template publish (over recent sends).
/// It renders nothing: the pinned version comes from the version cache and its compiled template (with its required
/// paths) from the engine's tenant-keyed cache, and the check is a walk of the data along those paths.
/// Two kinds of variable are filled at delivery and so are not judged here:
/// `recipient.*` for a send by userId (the profile as it is at delivery fills them; a send without a userId has only the
/// address it gives, so those are judged), and an email's `unsubscribeUrl`/`preferencesUrl` (the service adds them when
/// it can).
/// </summary>
public sealed class RequiredData(TemplateVersionStore versions, TemplateEngine engine)
{
    private static readonly string[] ServiceLinks = ["unsubscribeUrl", "preferencesUrl"];

    /// <summary>The variables of the pinned version the send cannot fill, in the template's order; empty when it renders.</summary>
    public async ValueTask<IReadOnlyList<string>> MissingAsync(Guid tenantId, Guid versionId, JsonObject? data, KnownRecipient recipient,
        CancellationToken ct) =>
        await versions.GetAsync(versionId, ct) is { } version && version.TenantId == tenantId ? Missing(version, data, recipient) : [];

    /// <summary>As <see cref="MissingAsync"/>, for a version already read.</summary>
    public IReadOnlyList<string> Missing(TemplateVersion version, JsonObject? data, KnownRecipient recipient)
    {
        IReadOnlyList<string> missing;
        try { missing = engine.MissingVariables(version.Definition(), data); }
        catch (TemplateValidationException) { return []; } // cannot compile: delivery reports the template's own error, not the data's
        if (missing.Count == 0) return missing; // the usual send: nothing allocated
        return missing.Where(v => !FilledAtDelivery(v, version.Channel, recipient)).ToList();
    }

    private static bool FilledAtDelivery(string variable, string channel, KnownRecipient recipient)
    {
        if (channel == ChannelNames.Email && ServiceLinks.Contains(variable)) return true;
        if (variable != RecipientVariables.Root && !variable.StartsWith(RecipientVariables.Root + ".", StringComparison.Ordinal))
            return false;
        if (!string.IsNullOrEmpty(recipient.UserId)) return true;
        // No userId, no profile: delivery's `recipient` holds the address the send gives, nothing more.
        var known = RecipientVariables.Of(null, recipient.Email, recipient.Phone, null);
        var path = variable.Split('.');
        return TemplateEngine.IsPresentIn(known, path.AsSpan(1));
    }

    /// <summary>The 422 message for one channel's template: names the template and every variable.</summary>
    public static string Message(string template, string channel, IReadOnlyList<string> missing) =>
        $"Template '{template}' ({channel}) needs {string.Join(", ", missing)}, which the data does not give.";
}
