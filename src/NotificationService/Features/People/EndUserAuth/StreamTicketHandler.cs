using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>`?ticket=` on the stream route: a single-use ticket stands in for the bearer token EventSource cannot send.</summary>
public sealed class StreamTicketHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, StreamTicketStore tickets)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = Contracts.EndUser.Scheme + ".Ticket";
    public const string StreamPath = "/api/v1/users/me/stream";

    /// <summary>Tickets count on the stream route only: anywhere else the bearer token is required.</summary>
    public static bool Applies(HttpContext http) =>
        http.Request.Query.ContainsKey("ticket") && http.Request.Path.Equals(StreamPath, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var ticket = Request.Query["ticket"].ToString();
        if (await tickets.RedeemAsync(ticket, Context.RequestAborted) is not { } user)
            return AuthenticateResult.Fail("The ticket is unknown, used or expired.");
        return AuthenticateResult.Success(
            new AuthenticationTicket(EndUserJwt.Principal(user.TenantId, user.UserId, SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        EndUserChallenge.WriteAsync(Context, "The ticket is unknown, used or expired.");
}
