using NotificationService.Channels;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>The `outcome` label of a provider call: the classification, never the provider's free text.</summary>
public static class DeliveryOutcomeLabel
{
    public static string Of(DeliveryResult result) => result switch
    {
        DeliveryResult.Sent => "sent",
        DeliveryResult.Transient => "transient",
        DeliveryResult.Throttled => "throttled",
        DeliveryResult.Permanent => "permanent",
        DeliveryResult.ProviderFailure => "provider_failure",
        _ => "unknown",
    };
}
