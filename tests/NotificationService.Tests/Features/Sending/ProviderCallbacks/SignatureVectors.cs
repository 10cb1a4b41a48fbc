using System.Text.Json.Nodes;

namespace NotificationService.Tests.Features.Sending.ProviderCallbacks;

/// <summary>
/// The published vectors in ../shared/specs/webhook-signature-test-vectors.json (relative to the folder holding
/// NotificationService.sln). Read in place, never copied into the repository; tests skip when it is absent.
/// </summary>
public static class SignatureVectors
{
    public static readonly string? Path = Find();
    public static readonly JsonObject? All = Path is null ? null : JsonNode.Parse(File.ReadAllText(Path))!.AsObject();

    public static JsonNode Get(string name) => All![name]!;
    public static string S(this JsonNode node, string name) => node[name]!.GetValue<string>();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "NotificationService.sln")))
            {
                var file = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "specs", "webhook-signature-test-vectors.json"));
                return File.Exists(file) ? file : null;
            }
        return null;
    }
}

/// <summary>A fact that is skipped, saying why, when the shared vector file is not there.</summary>
public sealed class VectorFactAttribute : FactAttribute
{
    public VectorFactAttribute()
    {
        if (SignatureVectors.All is null)
            Skip = "Signature vector specs skipped: ../shared/specs/webhook-signature-test-vectors.json is not beside the repository; nothing installs it.";
    }
}
