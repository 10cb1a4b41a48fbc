namespace NotificationService.Hosting;

/// <summary>`Mode` = api | worker | all (default): scale out by running more replicas of either.</summary>
public static class ServiceMode
{
    public static string Of(IConfiguration config) => (config["Mode"] ?? "all").ToLowerInvariant();
    public static bool RunsWorkers(IConfiguration config) => Of(config) is "all" or "worker";
    public static bool ServesApi(IConfiguration config) => Of(config) is "all" or "api";
}
