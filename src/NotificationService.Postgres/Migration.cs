using System.Reflection;
using System.Text.RegularExpressions;

namespace NotificationService.Postgres;

/// <summary>One versioned SQL file. Versions are global integers: the queue owns 1–99, the service 100+.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    private static readonly Regex FileName = new(@"(?<v>\d{3,})_(?<n>[A-Za-z0-9_\-]+)\.sql$", RegexOptions.Compiled);

    /// <summary>Reads the `NNNN_name.sql` files embedded in an assembly.</summary>
    public static IEnumerable<Migration> FromAssembly(Assembly assembly)
    {
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var m = FileName.Match(resource);
            if (!m.Success) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return new Migration(int.Parse(m.Groups["v"].Value), m.Groups["n"].Value, reader.ReadToEnd());
        }
    }
}
