using System.Text.Json.Nodes;
using NotificationService.Features.Delivery;

namespace NotificationService.Features.Console.Pages;

public sealed class SandboxModel(SandboxRecorder sandbox) : ConsolePage
{
    public const int PageSize = 25;
    public IReadOnlyList<SandboxMessage> Messages { get; private set; } = [];

    public async Task OnGetAsync(long? before, CancellationToken ct) => Messages = await sandbox.ListAsync(TenantId, null, before, PageSize, ct);

    public IEnumerable<(string Name, string Value)> Parts(SandboxMessage m) =>
        JsonNode.Parse(m.ContentJson) is JsonObject o
            ? o.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).Select(p => (p.Key, p.Value!.GetValue<string>()))
            : [];
}
