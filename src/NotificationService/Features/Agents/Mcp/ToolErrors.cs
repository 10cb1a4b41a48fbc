using ModelContextProtocol;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// The API's refusals as a tool's error: the same words a ProblemDetails carries (its detail and every field it names),
/// so an agent can correct its arguments. The MCP library shows an agent the message of an <see cref="McpException"/>
/// only; any other exception reads as "an error occurred", which names nothing.
/// </summary>
public static class ToolErrors
{
    public static McpException From(ApiException e)
    {
        if (e is not RequestValidationException { Errors.Count: > 0 } invalid) return new McpException(e.Message);
        var fields = invalid.Errors.Select(f => $"{f.Key}: {string.Join(" ", f.Value)}");
        var only = invalid.Errors.Count == 1 && invalid.Errors.First().Value is [var message] && message == e.Message;
        return new McpException(only ? fields.Single() : $"{e.Message} {string.Join(" ", fields)}");
    }

    /// <summary>Runs an API operation for a tool, its refusal turned into the tool's error.</summary>
    public static async Task<T> AnswerAsync<T>(Func<Task<T>> operation)
    {
        try { return await operation(); }
        catch (ApiException e) { throw From(e); }
    }
}
