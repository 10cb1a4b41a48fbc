using System.Security.Cryptography;

namespace NotificationService.Features.People.InboxSdk;

/// <summary>
/// A file of the SDK, embedded in the binary (no wwwroot: the static-files middleware would serve it with its own
/// headers): its bytes, its Subresource Integrity value (`sha384-…`, what the README publishes and a page puts in
/// `integrity`) and a strong ETag.
/// </summary>
public sealed class SdkAsset
{
    public SdkAsset(string resourceName, string contentType)
    {
        using var stream = typeof(SdkAsset).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"embedded SDK file {resourceName} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Bytes = copy.ToArray();
        ContentType = contentType;
        Integrity = "sha384-" + Convert.ToBase64String(SHA384.HashData(Bytes));
        ETag = $"\"{Convert.ToHexString(SHA256.HashData(Bytes))[..32].ToLowerInvariant()}\"";
    }

    public byte[] Bytes { get; }
    public string ContentType { get; }
    public string Integrity { get; }
    public string ETag { get; }

    /// <summary>The inbox component: one ES module, no dependencies.</summary>
    public static SdkAsset InboxV1() => new("sdk/v1/inbox.js", "text/javascript; charset=utf-8");
}
