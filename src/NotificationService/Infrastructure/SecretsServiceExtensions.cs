namespace NotificationService.Infrastructure;

public static class SecretsServiceExtensions
{
    /// <summary>Secrets at rest (provider credentials, webhook signing secrets): one protector for every feature that stores
    /// some.</summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services) => services.AddSingleton<SecretProtector>();
}
