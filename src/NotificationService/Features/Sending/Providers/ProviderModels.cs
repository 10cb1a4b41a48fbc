using System.Text.Json.Nodes;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// Create body, and the update body where every field is optional (absent = keep). Secrets are write-only:
/// on update a given field replaces the stored one, null removes it, and an absent field (or the mask
/// <see cref="ProviderView.Mask"/> sent back from a GET) keeps it.
/// </summary>
public sealed record ProviderRequest(
    string? Channel, string? Kind, string? Name, int? Priority, bool? Enabled,
    JsonObject? Settings, Dictionary<string, string?>? Secrets);

/// <summary>What the API returns: settings as stored, secrets only as "which fields are set" behind a fixed mask.</summary>
public sealed record ProviderView(
    Guid Id, string Channel, string Kind, string Name, int Priority, bool Enabled,
    JsonObject Settings, IReadOnlyDictionary<string, string> Secrets, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Fixed width, so the mask says nothing about a secret's length.</summary>
    public const string Mask = "********";

    public static ProviderView From(ProviderEntity e, IEnumerable<string> secretNames) => new(
        e.Id, e.Channel, e.Kind, e.Name, e.Priority, e.Enabled,
        JsonNode.Parse(e.SettingsJson) as JsonObject ?? [],
        secretNames.Order(StringComparer.Ordinal).ToDictionary(n => n, _ => Mask),
        e.CreatedAt, e.UpdatedAt);
}

/// <summary>`POST {id}/test`: who to send the test to, and optionally what.</summary>
public sealed record ProviderTestRequest(Contracts.RecipientDto? Recipient, string? Subject, string? Body);

/// <summary>The classified outcome of a test send (the same classes the worker acts on).</summary>
public sealed record ProviderTestResult(string Outcome, string? ProviderMessageId, string? Code, string? Error, double? RetryAfterSeconds);
