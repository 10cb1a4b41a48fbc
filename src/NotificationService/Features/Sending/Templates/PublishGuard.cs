using Microsoft.AspNetCore.Mvc;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Templates;

/// <summary>A recent send of a template: its data and what it said about its recipient.</summary>
public sealed record RecentSend(System.Text.Json.Nodes.JsonObject? Data, KnownRecipient Recipient);

/// <summary>The recent sends of a template (key, channel, locale), newest first, within <see cref="PublishGuard.Window"/>
/// and among the tenant's latest <see cref="PublishGuard.LookedAt"/> notifications. The notifications module answers it.</summary>
public interface IRecentTemplateSends
{
    Task<IReadOnlyList<RecentSend>> ForTemplateAsync(Guid tenantId, string key, string channel, string locale, CancellationToken ct);
}

/// <summary>
/// A publish that would make the template's recent sends fail: the version requires variables some of them did not carry,
/// so the next sends like them would be refused (422) where they were accepted until now. Refused (409) with the variables
/// and how many sends lacked them, unless the request confirms (`confirmMissingVariables: true`): the sender may be about to
/// add the data. Recent is bounded so a publish reads little: the tenant's latest <see cref="LookedAt"/> notifications of the
/// last <see cref="Window"/> (the tenant's newest-first index), of which those of this template.
/// </summary>
public sealed class PublishGuard(TemplateQueries queries, RequiredData requiredData, IRecentTemplateSends recentSends)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    public const int LookedAt = 2000;

    /// <summary>Throws <see cref="PublishWouldFailSendsException"/> unless confirmed; a version or template that does not
    /// exist is left to the publish (404).</summary>
    public async Task CheckAsync(Guid tenantId, Guid templateId, int? version, bool confirmed, CancellationToken ct)
    {
        if (confirmed || await queries.VersionAsync(tenantId, templateId, version, ct) is not { } stored) return;
        var sends = await recentSends.ForTemplateAsync(tenantId, stored.Key, stored.Version.Channel, stored.Locale, ct);
        var failing = 0;
        var variables = new List<string>();
        foreach (var send in sends)
        {
            var missing = requiredData.Missing(stored.Version, send.Data, send.Recipient);
            if (missing.Count == 0) continue;
            failing++;
            foreach (var v in missing) if (!variables.Contains(v)) variables.Add(v);
        }
        if (failing > 0) throw new PublishWouldFailSendsException(stored.Number, variables, failing, sends.Count);
    }
}

/// <summary>409: the version requires variables recent sends did not carry. The answer lists them (`missingVariables`) and
/// counts the sends (`failingSends` of `recentSends`), so a console can show both and offer to publish anyway.</summary>
public sealed class PublishWouldFailSendsException(int version, IReadOnlyList<string> variables, int failing, int recent)
    : ApiException(409, "Publishing would make sends fail",
        $"Version {version} requires {string.Join(", ", variables)}, which {failing} of the template's {recent} " +
        $"recent sends did not carry: " +
        "sends like them would be refused. Add the data to the sends, or publish anyway with \"confirmMissingVariables\": true.")
{
    public IReadOnlyList<string> Variables => variables;
    public int FailingSends => failing;
    public int RecentSends => recent;

    public override void Extend(ProblemDetails problem)
    {
        problem.Extensions["missingVariables"] = variables;
        problem.Extensions["failingSends"] = failing;
        problem.Extensions["recentSends"] = recent;
    }
}
