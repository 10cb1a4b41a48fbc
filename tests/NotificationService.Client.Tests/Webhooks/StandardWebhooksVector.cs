using System.Text;
using System.Text.Json.Nodes;

namespace NotificationService.Client.Tests.Webhooks;

/// <summary>
/// The Standard Webhooks vectors of ../shared/specs/webhook-signature-test-vectors.json (beside the folder holding
/// NotificationService.sln), read in place; specs skip when the file is not there.
/// </summary>
public sealed record StandardWebhooksVector(string Secret, string Id, string Timestamp, byte[] Body, string Signature)
{
    public static readonly IReadOnlyList<StandardWebhooksVector> All = Load();

    private static IReadOnlyList<StandardWebhooksVector> Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotificationService.sln")))
            {
                var file = Path.Combine(dir.FullName, "..", "shared", "specs", "webhook-signature-test-vectors.json");
                if (!File.Exists(file)) return [];
                var node = JsonNode.Parse(File.ReadAllText(file))!["standard_webhooks_v1"]!;
                // One vector today; a list of them is read the same way should the file grow one.
                var items = node is JsonArray a ? a.Select(n => n!).ToList() : [node];
                return items.Select(v => new StandardWebhooksVector(S(v, "secret"), S(v, "webhook_id"), S(v, "webhook_timestamp"),
                    Encoding.UTF8.GetBytes(S(v, "body")), S(v, "expected_webhook_signature"))).ToList();
            }
        return [];
    }

    private static string S(JsonNode n, string name) => n[name]!.GetValue<string>();
}

/// <summary>A fact skipped, saying why, when the shared vector file is not there.</summary>
public sealed class VectorFactAttribute : FactAttribute
{
    public VectorFactAttribute()
    {
        if (StandardWebhooksVector.All.Count == 0)
            Skip = "Webhook vector specs skipped: ../shared/specs/webhook-signature-test-vectors.json is not beside the repository; nothing installs it.";
    }
}
