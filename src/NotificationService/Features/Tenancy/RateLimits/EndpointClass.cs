namespace NotificationService.Features.Tenancy.RateLimits;

/// <summary>What a request is charged to. Batch and bulk count recipients, the others requests.</summary>
public enum EndpointClass { Send, Batch, Admin, EndUser }

public sealed record RateLimit(double PerSecond, double Burst)
{
    /// <summary>Seconds an empty bucket takes to fill (the policy's window).</summary>
    public int WindowSeconds => (int)Math.Max(1, Math.Ceiling(Burst / PerSecond));
}

public static class EndpointClasses
{
    public static readonly EndpointClass[] All = Enum.GetValues<EndpointClass>();

    public static string Name(this EndpointClass c) => c switch
    {
        EndpointClass.Send => "send", EndpointClass.Batch => "batch", EndpointClass.Admin => "admin", _ => "end_user",
    };

    public static EndpointClass? Parse(string name) => All.Cast<EndpointClass?>().FirstOrDefault(c => c!.Value.Name() == name);

    /// <summary>Defaults per tenant: `RateLimits:&lt;class&gt;:PerSecond` and `:Burst` override them.</summary>
    public static RateLimit Default(EndpointClass c) => c switch
    {
        EndpointClass.Send => new(200, 400),
        EndpointClass.Batch => new(5000, 10000),
        EndpointClass.Admin => new(20, 40),
        _ => new(1000, 2000),   // end_user: every signed-in user of the tenant shares it (a badge poll, a list, a mark-read)
    };

    /// <summary>
    /// The class of a request by its path; null: not limited here (health, metrics, docs, provider callbacks, and
    /// send-batch/send-chunk, whose recipients are charged by their endpoint once the body is read).
    /// </summary>
    public static EndpointClass? Of(PathString path)
    {
        if (path.StartsWithSegments("/api/v1/services/notifications/send-batch")
            || path.StartsWithSegments("/api/v1/services/notifications/send-chunk"))
            return null;
        if (path.StartsWithSegments("/api/v1/services/notifications/bulk")) return EndpointClass.Batch; // an upload is charged as one
        if (path.StartsWithSegments("/api/v1/services")) return EndpointClass.Send;
        if (path.StartsWithSegments("/api/v1/admin")) return EndpointClass.Admin;
        if (path.StartsWithSegments("/api/v1/users")) return EndpointClass.EndUser;
        if (path.StartsWithSegments("/mcp")) return EndpointClass.Admin;   // an agent's tool calls share the admin API's bucket
        return null;
    }
}
