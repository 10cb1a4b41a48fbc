using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Cli.Tree;

/// <summary>
/// A tenant's configuration as files: relative path (always `/`) → content. Built from the service's export document
/// (<see cref="FromExport"/>) and written to or read from a directory. Deterministic by construction: paths sorted
/// ordinally, JSON keys sorted, two-space indentation, `\n` line ends, and nothing that changes without an edit
/// (no timestamps, ids, version numbers or member counts), so a console edit shows in `git diff` as only that edit.
/// </summary>
public sealed class ConfigTree
{
    public const string Format = "notifications-as-code@1";
    public const string ManifestFile = "notifications.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public SortedDictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The tree of a `tenant-export@1` document: each object's current (latest) version, git keeps the history. The manifest
    /// records the tenant's <paramref name="revision"/> when the service gave one, so a later push can tell whether someone
    /// changed the tenant since.
    /// </summary>
    public static ConfigTree FromExport(JsonObject export, string? revision = null)
    {
        var tree = TreeLayout.Build(export);
        if (revision is not null) tree.AddJson(ManifestFile, new JsonObject { ["format"] = Format, ["revision"] = revision });
        return tree;
    }

    /// <summary>The revision the manifest recorded at pull, if any.</summary>
    public string? Revision => Files.ContainsKey(ManifestFile) ? (string?)ReadJson(ManifestFile)["revision"] : null;

    public void AddJson(string path, JsonNode node) => Files[path] = Canonical(node);

    public void AddText(string path, string text) => Files[path] = text.Replace("\r\n", "\n");

    public JsonObject ReadJson(string path) => JsonNode.Parse(Files[path])!.AsObject();

    /// <summary>Keys sorted at every depth, so two writers of the same object produce the same bytes.</summary>
    public static string Canonical(JsonNode node) => JsonSerializer.Serialize(Sorted(node), Json) + "\n";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    /// <summary>
    /// Writes this tree's files into the directory and deletes the configuration files it no longer has (an object that went
    /// away). Only files a pull writes are ever deleted (<see cref="TreeLayout.IsConfigurationFile"/>): a `sample.json`, a
    /// README or `.git` stay as they are.
    /// </summary>
    public void WriteTo(string directory)
    {
        foreach (var stale in Read(directory).Files.Keys.Where(p => TreeLayout.IsConfigurationFile(p) && !Files.ContainsKey(p)))
            File.Delete(Path.Combine(directory, stale));
        foreach (var (path, content) in Files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content, new UTF8Encoding(false));
        }
    }

    /// <summary>
    /// The files under <paramref name="directory"/> a tree is about: the manifest and everything under the known folders,
    /// the user's own files there (a `sample.json`) included, for validate to read.
    /// </summary>
    public static ConfigTree Read(string directory)
    {
        var tree = new ConfigTree();
        if (!Directory.Exists(directory)) return tree;
        var manifest = Path.Combine(directory, ManifestFile);
        if (File.Exists(manifest)) tree.Files[ManifestFile] = File.ReadAllText(manifest);
        foreach (var folder in TreeLayout.Folders)
        {
            var root = Path.Combine(directory, folder);
            if (!Directory.Exists(root)) continue;
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
                tree.Files[Path.GetRelativePath(directory, file).Replace('\\', '/')] = File.ReadAllText(file);
        }
        return tree;
    }
}
