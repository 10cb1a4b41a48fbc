namespace NotificationService.Workflows.Definitions;

/// <summary>One thing wrong with a definition, at its JSON path (`$.steps[1].onTimeout[0].channel`).</summary>
public sealed record WorkflowProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
