namespace NotificationService.Bench.Service;

/// <summary>One phase run: its `--only` key, its name, the figures it added to the report, and why it failed (null: it did not).</summary>
public sealed record PhaseOutcome(string Key, string Name, int Figures, string? Failure);
