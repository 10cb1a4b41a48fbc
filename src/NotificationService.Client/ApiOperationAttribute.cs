namespace NotificationService.Client;

/// <summary>
/// The service operation a client method calls, as the service's OpenAPI document and scope table spell it
/// (<c>POST /api/v1/services/notifications/send</c>). A spec reads these to keep the client complete: every
/// service-facing operation has a method, or a reason in its omissions list.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class ApiOperationAttribute(string operation) : Attribute
{
    /// <summary><c>METHOD /path</c>.</summary>
    public string Operation { get; } = operation;
}
