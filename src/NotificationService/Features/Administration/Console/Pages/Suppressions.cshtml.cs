using Microsoft.AspNetCore.Mvc;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Sending.Suppressions;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>Who will not be messaged and why; lifting an entry is audited like the API's DELETE.</summary>
public sealed class SuppressionsModel(SuppressionStore store, AuditLog audit) : ConsolePage
{
    public IReadOnlyList<SuppressionView> Entries { get; private set; } = [];
    public string? Channel { get; private set; }
    public string? Address { get; private set; }

    public async Task OnGetAsync(string? channel, string? address, CancellationToken ct)
    {
        Channel = channel is not null && Addresses.Suppressible(channel) ? channel : null;
        Address = string.IsNullOrWhiteSpace(address) ? null : address.Trim();
        Entries = await store.ListAsync(TenantId, Channel,
            Channel is null || Address is null ? null : Addresses.Normalize(Channel, Address), 200, ct);
    }

    public async Task<IActionResult> OnPostLiftAsync(string channel, string address, CancellationToken ct)
    {
        var lifted = Addresses.Suppressible(channel) && Addresses.Normalize(channel, address) is { } normalized
            && await store.RemoveAsync(TenantId, channel, normalized, ct);
        if (lifted) await audit.RecordAsync(Caller, "suppression.remove", "suppression", $"{channel}:{address}", null, null, ct);
        Flash = lifted ? $"{address} can be messaged on {channel} again." : "No such entry.";
        return RedirectToPage();
    }
}
