namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// How a statement names the notifications of one userId (`$2`): the case-blind column, so that the planner uses the
/// (tenant, lower(userId), userId, id) index of migration 740 (the console's search needs it case-blind), and the exact
/// one, because "Ada" and "ada" are two people. Erase, export and the Users page all find a person this way.
/// </summary>
internal static class ByUserId
{
    public const string Where = "lower(recipient->>'userId') = lower($2) and recipient->>'userId' = $2";
}
