using System.Text;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// Sends an invitation through the tenant's own email channel, as any send: its provider (the sandbox records it on a
/// fresh install), its queue, its ledger. A tenant without an email provider still gets the link in the answer
/// (`emailed: false`), to pass on by hand.
/// </summary>
public sealed class InvitationMail(SendHandler sends, ILogger<InvitationMail> log)
{
    public async Task<bool> SendAsync(Guid tenantId, string email, string inviteUrl, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var request = new SendRequest
        {
            Channel = "email",
            Recipient = new SendRecipient { Email = email },
            Content = new ContentDto
            {
                Subject = "You are invited to the notification console",
                Body = $"You have been invited to help run your team's notifications.\n\nSet your name and password here: {inviteUrl}\n\n"
                    + $"The link works once, until {expiresAt:yyyy-MM-dd HH:mm} UTC. If you did not expect this, ignore this email.",
            },
        };
        try
        {
            await sends.AcceptAsync(tenantId, request, Encoding.UTF8.GetBytes("{}"), null, "/api/v1/services/notifications", ct);
            return true;
        }
        catch (ApiException e)
        {
            // No email provider, or the address is suppressed: the inviter hands the link over instead. Never log the link.
            log.LogInformation("Invitation not emailed: the send was refused ({Status} {Title})", e.Status, e.Title);
            return false;
        }
    }
}
