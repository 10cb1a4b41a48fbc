using System.Text.Json.Nodes;
using System.Text.Json;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Delivery;

namespace NotificationService.Features.Administration.Console.Pages;

public sealed class SandboxModel(SandboxRecorder sandbox) : ConsolePage
{
    public const int PageSize = 25;
    public IReadOnlyList<SandboxMessage> Messages { get; private set; } = [];

    public async Task OnGetAsync(long? before, CancellationToken ct) =>
        Messages = await sandbox.ListAsync(TenantId, null, before, PageSize, ct);

    /// <summary>Stored rows carry fields the API's recipient has not (a topic): read what is there, ignore the rest.</summary>
    private static readonly JsonSerializerOptions Lenient = new(JsonSerializerDefaults.Web);

    /// <summary>The address the message went to, as a person reads it (the channel's own field first), not the stored JSON.</summary>
    public string RecipientOf(SandboxMessage m)
    {
        try { return JsonSerializer.Deserialize<RecipientDto>(m.RecipientJson, Lenient) is { } r ? RecipientShown(m.Channel, r) : "—"; }
        catch (JsonException) { return MasksPersonalData ? "•••" : m.RecipientJson; }
    }

    /// <summary>The message's parts as a mail reader shows them (subject first, rendered HTML last), one-time links (an invitation's)
    /// hidden; none for a viewer, whose page says bodies are hidden.</summary>
    public IEnumerable<(string Name, string Value)> Parts(SandboxMessage m) =>
        !MasksPersonalData && JsonNode.Parse(m.ContentJson) is JsonObject o
            ? o.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _))
                .OrderBy(p => p.Key switch { "subject" => 0, "html" => 2, _ => 1 })
                .Select(p => (p.Key, Members.LinksHidden.In(p.Value!.GetValue<string>())!))
            : [];
}
