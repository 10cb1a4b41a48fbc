namespace NotificationService.Contracts;

/// <summary>
/// Hears how long each provider call took, in memory on the delivering thread: the duration is never written by the
/// send's own statements (the analytics flush writes it later, in batches).
/// </summary>
public interface IProviderCallObserver
{
    void Called(Guid tenantId, string channel, string providerKind, TimeSpan took);
}
