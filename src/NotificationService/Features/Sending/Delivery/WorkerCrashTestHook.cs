using NotificationService.Channels;
using NotificationService.Channels.Sandbox;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>
/// TEST HOOK, off unless `Testing:CrashWorkerOnRecipient` names an email address; never set it outside a test. When it
/// is set, the sandbox provider ends the whole process with <see cref="Environment.FailFast(string)"/> on being asked to
/// deliver to that address: nothing caught, nothing acknowledged, as a stack overflow inside a handler ends it. It lets
/// a spec kill a real worker from inside a job's handling (Hosting/PoisonJobTests) without relying on an input that
/// really overflows the stack (those are refused as they are found). Start-up logs a warning whenever it is on.
/// </summary>
public sealed class WorkerCrashTestHook(SandboxAdapter sandbox, string address) : IProviderAdapter
{
    public const string Setting = "Testing:CrashWorkerOnRecipient";

    public string Kind => sandbox.Kind;
    public IReadOnlyList<string> Channels => sandbox.Channels;

    public Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        if (string.Equals(message.Recipient.Email, address, StringComparison.OrdinalIgnoreCase))
            Environment.FailFast($"test hook {Setting}: delivering to {address} stops this worker");
        return sandbox.SendAsync(message, config, ct);
    }

    /// <summary>The sandbox adapter, wrapped by the hook when the setting is present.</summary>
    public static IProviderAdapter Sandbox(IServiceProvider sp)
    {
        var sandbox = sp.GetRequiredService<SandboxAdapter>();
        if (sp.GetRequiredService<IConfiguration>()[Setting] is not { Length: > 0 } address) return sandbox;
        sp.GetRequiredService<ILogger<WorkerCrashTestHook>>().LogWarning(
            "TEST HOOK {Setting} is set: delivering to that address through the sandbox ends this process", Setting);
        return new WorkerCrashTestHook(sandbox, address);
    }
}
