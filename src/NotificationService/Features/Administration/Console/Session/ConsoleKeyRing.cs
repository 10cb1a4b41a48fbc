using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace NotificationService.Features.Administration.Console.Session;

/// <summary>
/// Data Protection keys (what antiforgery tokens are protected with) in PostgreSQL, so every replica shares one ring:
/// a form one replica renders is accepted by another, and a restart does not invalidate open forms.
/// </summary>
public sealed class ConsoleKeyRing(NpgsqlDataSource db) : IXmlRepository
{
    // IXmlRepository is synchronous by contract; the ring is read rarely (it is cached by Data Protection).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = db.CreateCommand("select xml from console_keyring order by created_at");
        using var r = cmd.ExecuteReader();
        var elements = new List<XElement>();
        while (r.Read()) elements.Add(XElement.Parse(r.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = db.CreateCommand(
            "insert into console_keyring (friendly_name, xml) values ($1, $2) on conflict (friendly_name) do nothing");
        cmd.Parameters.AddWithValue(friendlyName);
        cmd.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}

/// <summary>The ring's keys are sealed with the service's AES-256-GCM secrets key, like provider secrets at rest.</summary>
public sealed class ConsoleKeyEncryptor(NotificationService.Infrastructure.SecretProtector secrets)
    : Microsoft.AspNetCore.DataProtection.XmlEncryption.IXmlEncryptor
{
    public Microsoft.AspNetCore.DataProtection.XmlEncryption.EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var (ciphertext, keyId) = secrets.Protect(
            new Dictionary<string, string> { ["xml"] = plaintextElement.ToString(SaveOptions.DisableFormatting) });
        return new(new XElement("sealed", new XAttribute("keyId", keyId), Convert.ToBase64String(ciphertext)), typeof(ConsoleKeyDecryptor));
    }
}

/// <summary>Data Protection activates decryptors by type with the service provider.</summary>
public sealed class ConsoleKeyDecryptor(IServiceProvider services) : Microsoft.AspNetCore.DataProtection.XmlEncryption.IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<NotificationService.Infrastructure.SecretProtector>()
        .Unprotect(Convert.FromBase64String(encryptedElement.Value), encryptedElement.Attribute("keyId")?.Value)["xml"]);
}
