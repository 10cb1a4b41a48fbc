using System.Text.Json.Nodes;
using NotificationService.Channels.Http;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace NotificationService.Channels.Twilio;

/// <summary>Twilio SMS through the Twilio library's <c>MessageResource.CreateAsync</c> (Messages API, form-encoded, Basic auth).</summary>
public sealed class TwilioSmsAdapter(TwilioClients clients) : TwilioAdapterBase(clients)
{
    public override string Kind => ProviderKinds.TwilioSms;
    public override IReadOnlyList<string> Channels { get; } = [ChannelNames.Sms];
    protected override bool WhatsApp => false;
}

/// <summary>
/// Twilio WhatsApp: the same Messages API with <c>whatsapp:+E164</c> addresses. A message with a
/// <see cref="WhatsAppTemplateRef"/> is sent as an approved Content template: its Name is the Content SID (HX…),
/// its Parameters become ContentVariables {"1": …, "2": …}.
/// </summary>
public sealed class TwilioWhatsAppAdapter(TwilioClients clients) : TwilioAdapterBase(clients)
{
    public override string Kind => ProviderKinds.TwilioWhatsApp;
    public override IReadOnlyList<string> Channels { get; } = [ChannelNames.WhatsApp];
    protected override bool WhatsApp => true;
}

public abstract class TwilioAdapterBase(TwilioClients clients) : IProviderAdapter
{
    public const string HttpClientName = "twilio";
    public const int MaxBodyLength = 1600;

    public abstract string Kind { get; }
    public abstract IReadOnlyList<string> Channels { get; }
    protected abstract bool WhatsApp { get; }

    private string Provider => Kind;

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        var call = new TwilioCall(ct);
        try
        {
            var phone = message.Recipient.Phone;
            if (!ProviderSettingsValidator.IsE164(phone))
                return new DeliveryResult.Permanent($"{Provider}: recipient phone is not an E.164 number", "invalid_recipient");

            var options = BuildOptions(message, config, phone!);
            if (options is null)
                return new DeliveryResult.Permanent($"{Provider}: message has no body", "invalid_content");
            if (options.Body is { Length: > MaxBodyLength })
                return new DeliveryResult.Permanent($"{Provider}: body exceeds {MaxBodyLength} characters", "body_too_long");

            var client = clients.For(config);
            // An async method's AsyncLocal change ends with it: the transport sees this send's token, no other flow does.
            TwilioTransport.Current.Value = call;
            var created = await MessageResource.CreateAsync(options, client);
            return new DeliveryResult.Sent(created.Sid);
        }
        catch (ApiException ex)
        {
            var status = ex.Status != 0 ? ex.Status : (int?)call.Response?.StatusCode ?? 0;
            int? code = ex.Code != 0 ? ex.Code : null;
            return ProviderHttp.Failed(Provider, status, call.Response?.Headers,
                code is { } known ? TwilioErrorCodes.Classify(known) : null, code, ex.Code != 0 ? ex.Message : null);
        }
        catch (ApiConnectionException ex) when (ex.InnerException is { } inner)
        {
            return ProviderHttp.FromException(Provider, inner, ct);
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException(Provider, ex, ct);
        }
    }

    internal CreateMessageOptions? BuildOptions(OutgoingMessage message, ProviderConfig config, string phone)
    {
        var accountSid = config.RequiredSetting("accountSid");
        var options = new CreateMessageOptions(new PhoneNumber(Address(phone))) { PathAccountSid = accountSid };
        if (config.Setting("messagingServiceSid") is { Length: > 0 } mg) options.MessagingServiceSid = mg;
        else options.From = new PhoneNumber(Address(config.RequiredSetting("from")));

        var template = WhatsApp ? message.Content.WhatsAppTemplate : null;
        if (template is not null)
        {
            options.ContentSid = template.Name;
            if (template.Parameters.Count > 0)
            {
                var variables = new JsonObject();
                for (var i = 0; i < template.Parameters.Count; i++) variables[(i + 1).ToString()] = template.Parameters[i];
                options.ContentVariables = variables.ToJsonString();
            }
        }
        else
        {
            if (string.IsNullOrEmpty(message.Content.Body)) return null;
            options.Body = message.Content.Body;
        }

        if (!string.IsNullOrWhiteSpace(message.CallbackBaseUrl))
            options.StatusCallback = new Uri($"{message.CallbackBaseUrl.TrimEnd('/')}/webhooks/twilio/{config.Id}");
        return options;
    }

    private string Address(string number)
    {
        if (!WhatsApp) return number;
        return number.StartsWith("whatsapp:", StringComparison.Ordinal) ? number : "whatsapp:" + number;
    }
}
