using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Hosting;

/// <summary>A setting the service cannot start with: reported as one `error:` line and exit code 2, not a stack trace.</summary>
public sealed class InvalidConfigurationException(string message) : Exception(message);

/// <summary>Checks settings that would otherwise fail deep inside start-up (after the database is up) with a stack trace.</summary>
public static class StartupConfiguration
{
    public const int InvalidConfigurationExitCode = 2;

    public static void Validate(IConfiguration config)
    {
        if (config["Seed:DemoApiKey"] is { Length: > 0 } key && ApiKeys.PrefixOf(key) is null)
            throw new InvalidConfigurationException(
                "Seed:DemoApiKey (Seed__DemoApiKey) is not an API key: expected nsk_<8 letters or digits>_<43 base64url characters>.");
    }
}
