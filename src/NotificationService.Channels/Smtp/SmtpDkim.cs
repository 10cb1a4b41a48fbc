using System.Collections.Concurrent;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Smtp;

/// <summary>
/// DKIM signing with MimeKit's <see cref="DkimSigner"/>, when a config names `dkimDomain`, `dkimSelector` and the secret
/// `dkimPrivateKey` (PEM). One signer per tenant and config (parsing the key per message would cost more than signing),
/// rebuilt when any of the three changes.
/// </summary>
public sealed class SmtpDkim
{
    /// <summary>What is signed: the headers a receiver shows or acts on. Relaxed canonicalization survives relays' refolding.</summary>
    public static readonly HeaderId[] SignedHeaders =
    [
        HeaderId.From, HeaderId.To, HeaderId.ReplyTo, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId,
        HeaderId.ListUnsubscribe, HeaderId.ListUnsubscribePost,
    ];

    private sealed record Entry(string Domain, string Selector, string Key, DkimSigner Signer);
    private readonly ConcurrentDictionary<(Guid Tenant, Guid Config), Entry> _signers = new();

    /// <summary>Signs <paramref name="message"/> when the config asks for DKIM; the message must not change afterwards.</summary>
    public void SignIfConfigured(MimeMessage message, ProviderConfig config)
    {
        if (config.Setting("dkimDomain") is not { Length: > 0 } domain) return;
        var selector = config.RequiredSetting("dkimSelector");
        var key = config.RequiredSecret("dkimPrivateKey");
        var id = (config.TenantId, config.Id);
        if (!_signers.TryGetValue(id, out var entry) || entry.Domain != domain || entry.Selector != selector || entry.Key != key)
            _signers[id] = entry = new Entry(domain, selector, key, CreateSigner(key, domain, selector));
        // Encodings fixed before signing, so the transport has nothing left to re-encode under the signature.
        message.Prepare(EncodingConstraint.SevenBit);
        entry.Signer.Sign(message, SignedHeaders);
    }

    /// <summary>A signer for the PEM key, or a <see cref="ProviderConfigException"/> that never repeats the key.</summary>
    public static DkimSigner CreateSigner(string pem, string domain, string selector)
    {
        try
        {
            using var stream = new MemoryStream(Encoding.ASCII.GetBytes(pem));
            return new DkimSigner(stream, domain, selector, DkimSignatureAlgorithm.RsaSha256)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            };
        }
        catch (Exception ex) when (ex is not ProviderConfigException)
        {
            throw new ProviderConfigException("secrets.dkimPrivateKey is not a PEM private key");
        }
    }
}
