using System.Reflection;
using System.Text.Json.Nodes;
using NotificationService.Client;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Tests.Client;

/// <summary>
/// The client keeps up with the service: every service-facing operation of the OpenAPI document (what a service key
/// calls) has a client method naming it in <see cref="ApiOperationAttribute"/>, or an entry with its reason below; and
/// every operation a client method names is one the document has.
/// </summary>
[Collection("client-service")]
public class ClientCompletenessTests(ClientServiceFixture service)
{
    /// <summary>
    /// Service-facing operations the client leaves out on purpose, each with why. Whole families are not service-facing
    /// and are not listed: <c>/api/v1/admin</c> (a tenant's administrators: the console and its API), <c>/api/v1/platform</c>
    /// (the operator's key), <c>/api/v1/users/me</c> (an end user's token, from their app or browser: the inbox
    /// element and the end users' API) and <c>/webhooks/…</c> (providers' callbacks).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Omissions = new Dictionary<string, string>();

    private static bool IsServiceFacing(string path) => path.StartsWith("/api/v1/services/", StringComparison.Ordinal);

    public static IReadOnlyDictionary<string, MethodInfo> ClientMethods() =>
        typeof(NotificationServiceClient).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .SelectMany(m => m.GetCustomAttributes<ApiOperationAttribute>().Select(a => (a.Operation, Method: m)))
            .ToDictionary(x => x.Operation, x => x.Method);

    public async Task<List<string>> DocumentOperationsAsync()
    {
        var doc = JsonNode.Parse(await service.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        return doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => ScopeTable.KeyOf(m.Key, p.Key))).ToList();
    }

    [Fact]
    public async Task Every_service_facing_operation_has_a_client_method_or_a_reason_to_be_left_out()
    {
        var methods = ClientMethods();
        var serviceFacing = (await DocumentOperationsAsync()).Where(o => IsServiceFacing(o.Split(' ')[1])).ToList();

        var missing = serviceFacing.Where(o => !methods.ContainsKey(o) && !Omissions.ContainsKey(o)).ToList();

        Assert.True(serviceFacing.Count > 40, $"only {serviceFacing.Count} service operations found in the document: is the filter right?");
        Assert.True(missing.Count == 0, "service operations with no client method ([ApiOperation(\"…\")]) and no reason in Omissions:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task Every_operation_a_client_method_names_is_in_the_document_and_none_is_also_an_omission()
    {
        var document = (await DocumentOperationsAsync()).ToHashSet();
        var methods = ClientMethods();

        var stale = methods.Where(m => !document.Contains(m.Key)).Select(m => $"{m.Value.DeclaringType!.Name}.{m.Value.Name}: {m.Key}").ToList();
        Assert.True(stale.Count == 0, "client methods naming an operation the service does not have:\n" + string.Join("\n", stale));
        Assert.Empty(Omissions.Keys.Where(methods.ContainsKey));
        Assert.Empty(Omissions.Keys.Where(o => !document.Contains(o)));
    }

    [Fact]
    public void Every_client_method_is_virtual_async_and_cancellable_so_it_can_be_mocked_and_stopped()
    {
        var wrong = ClientMethods().Values
            .Where(m => !m.IsVirtual || !typeof(Task).IsAssignableFrom(m.ReturnType) || m.GetParameters().LastOrDefault()?.ParameterType != typeof(CancellationToken))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToList();
        Assert.True(wrong.Count == 0, "client methods that are not virtual, not async or take no CancellationToken last:\n" + string.Join("\n", wrong));
    }
}
