using Microsoft.AspNetCore.Mvc;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Providers;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>Provider configs in priority order (secrets only as "set") with each one's circuit, and a test send through one of them.
/// Deleting is on the edit page, behind a confirmation.</summary>
public sealed class ProvidersModel(ProviderAdmin admin, ProviderTestSend test, CircuitBreakers circuits) : ConsolePage
{
    public IReadOnlyList<ProviderHealth> Providers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Providers = ProviderHealth.Of(await admin.ListAsync(TenantId, ct), circuits)
            .OrderBy(h => h.Provider.Priority).ThenBy(h => h.Provider.Name).ToList();

    public async Task<IActionResult> OnPostTestAsync(Guid id, string? to, CancellationToken ct)
    {
        try
        {
            var provider = await admin.GetAsync(TenantId, id, ct);
            var recipient = provider.Channel switch
            {
                ChannelNames.Email => new RecipientDto { Email = to },
                ChannelNames.Push => new RecipientDto { DeviceTokens = to is null ? null : [to] },
                ChannelNames.InApp => new RecipientDto { UserId = to },
                _ => new RecipientDto { Phone = to },
            };
            var result = await test.SendAsync(TenantId, id,
                new ProviderTestRequest(recipient, "Test from the admin console", "This is a test."), ct);
            Flash = $"Test send through {provider.Name}: {result.Outcome}"
                + (result.ProviderMessageId is { } m ? $" (provider message id {m})" : "")
                + (result.Error is { } e ? $": {e}" : "");
        }
        catch (ApiException e)
        {
            Flash = $"Test send refused: " +
                $"{(e is RequestValidationException v ? string.Join(" ", v.Errors.SelectMany(f => f.Value)) : e.Message)}";
        }
        return RedirectToPage();
    }
}
