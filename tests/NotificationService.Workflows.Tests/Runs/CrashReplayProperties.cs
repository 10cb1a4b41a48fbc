using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>
/// The interpreter under the host's protocol with random crashes. A simulated host keeps the committed state, the effects
/// committed with it and the pending jobs. Each step takes a random pending job (jobs arrive in any order, also twice) and
/// either crashes before the commit (nothing happens; the job comes back), or commits the transition with its effects and
/// then may crash before the queue's acknowledgement (the committed job comes back and runs again). The world answers a
/// wait with a wake, a timeout or both (whichever comes first wins), and some runs are cancelled and resumed.
/// </summary>
public class CrashReplayProperties
{
    private sealed record Job(RunInput Input);

    private sealed class Host(WorkflowDefinition definition, ConditionContext context, Random random)
    {
        public RunState State = RunState.Start(definition);
        public readonly List<RunEffect> Committed = [];
        private readonly List<Job> _pending = [new(new RunInput.Continue(0))];
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public int Crashes;
        /// <summary>Earlier jobs that moved the run again when replayed after a later commit (must stay 0).</summary>
        public int StaleMoves;
        private readonly List<RunInput> _moved = [];

        public void RunToQuiet(int cancelAt, bool resume)
        {
            var steps = 0;
            while (_pending.Count > 0)
            {
                if (++steps > 10_000) throw new InvalidOperationException("the run never settles");
                if (steps == cancelAt) _pending.Add(new(new RunInput.Cancel("by the property")));
                var job = _pending[random.Next(_pending.Count)];
                if (random.NextDouble() < 0.2) { Crashes++; continue; }   // crash before commit: nothing happened, the job stays
                _now = _now.AddMinutes(random.Next(0, 40));
                var t = Interpreter.Apply(definition, State, job.Input, _now, context);
                if (t.Changed)
                {
                    Commit(t);
                    // Every job that moved the run before, run again now (a copy the rescuer handed out late): nothing moves.
                    StaleMoves += _moved.Count(old => Interpreter.Apply(definition, State, old, _now, context).Changed);
                    if (job.Input is not (RunInput.Cancel or RunInput.Resume)) _moved.Add(job.Input);
                }
                if (random.NextDouble() < 0.2) { Crashes++; continue; }   // crash after commit, before the acknowledgement
                _pending.Remove(job);
                if (_pending.Count == 0 && State.Status == RunStatus.Cancelled && resume)
                {
                    resume = false;
                    _pending.Add(new(new RunInput.Resume()));
                }
            }
        }

        private void Commit(Transition t)
        {
            State = t.State;
            foreach (var effect in t.Effects)
            {
                Committed.Add(effect);
                switch (effect)
                {
                    case RunEffect.Continue c: _pending.Add(new(new RunInput.Continue(c.Seq))); break;
                    case RunEffect.Timer timer: _pending.Add(new(new RunInput.TimerDue(timer.Seq))); break;
                    case RunEffect.Wait w:
                        // The timeout job always exists; the world may also wake it (even twice), before or after the timeout.
                        _pending.Add(new(new RunInput.TimedOut(w.Seq)));
                        for (var i = random.Next(0, 3); i > 0; i--) _pending.Add(new(new RunInput.Woken(w.Seq)));
                        break;
                    case RunEffect.Release r:
                        // The host deletes the due job and the wait row; a copy already claimed may still run: keep one at random.
                        _pending.RemoveAll(j => random.NextDouble() < 0.5 && j.Input is RunInput.TimedOut to && to.Seq == r.Seq);
                        break;
                }
            }
        }
    }

    private static ConditionContext Flags(Random random) => new(new JsonObject
    {
        ["a"] = random.Next(2) == 0, ["b"] = random.Next(2) == 0, ["c"] = random.Next(2) == 0,
    }, null, null, [], null);

    private static Arbitrary<(WorkflowDefinition Definition, int Seed)> Cases =>
        (from d in RandomWorkflows.Definitions from seed in Gen.Choose(0, int.MaxValue - 1) select (d, seed)).ToArbitrary();

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(400);

    [Fact]
    public void Every_run_ends_in_exactly_one_terminal_state()
    {
        Prop.ForAll(Cases, c =>
        {
            var random = new Random(c.Seed);
            var host = new Host(c.Definition, Flags(random), random);
            host.RunToQuiet(cancelAt: int.MaxValue, resume: false);
            var ended = host.Committed.OfType<RunEffect.Ended>().ToList();
            return host.State.IsEnded && ended.Count == 1 && ended[0].Status == host.State.Status;
        }).Check(Runs);
    }

    [Fact]
    public void No_steps_effect_happens_twice_under_random_crash_points()
    {
        Prop.ForAll(Cases, c =>
        {
            var random = new Random(c.Seed);
            var host = new Host(c.Definition, Flags(random), random);
            host.RunToQuiet(cancelAt: int.MaxValue, resume: false);
            var sends = host.Committed.OfType<RunEffect.Send>().Select(s => s.StepId).ToList();
            var waits = host.Committed.OfType<RunEffect.Wait>().Select(w => w.StepId).ToList();
            var timers = host.Committed.OfType<RunEffect.Timer>().Select(t => t.Seq).ToList();
            return sends.Distinct().Count() == sends.Count && waits.Distinct().Count() == waits.Count && timers.Distinct().Count() == timers.Count
                && host.StaleMoves == 0;
        }).Check(Runs);
    }

    [Fact]
    public void Crashes_change_nothing_a_crash_free_run_with_the_same_world_would_send()
    {
        // Definitions without waits or cancels: the world has no choice, so the sends are the same with and without crashes.
        var noWaits = (from d in RandomWorkflows.Definitions where !d.AllSteps().Any(s => s is WaitForStep)
                       from seed in Gen.Choose(0, int.MaxValue - 1) select (Definition: d, Seed: seed)).ToArbitrary();
        Prop.ForAll(noWaits, c =>
        {
            var flags = Flags(new Random(c.Seed));
            var calm = new Host(c.Definition, flags, new CalmRandom());
            calm.RunToQuiet(int.MaxValue, false);
            var crashy = new Host(c.Definition, flags, new Random(c.Seed));
            crashy.RunToQuiet(int.MaxValue, false);
            return calm.Committed.OfType<RunEffect.Send>().Select(s => s.StepId)
                .SequenceEqual(crashy.Committed.OfType<RunEffect.Send>().Select(s => s.StepId));
        }).Check(Runs);
    }

    [Fact]
    public void Cancelled_and_resumed_runs_still_end_once_and_send_each_step_at_most_once()
    {
        Prop.ForAll(Cases, c =>
        {
            var random = new Random(c.Seed);
            var host = new Host(c.Definition, Flags(random), random);
            host.RunToQuiet(cancelAt: 1 + random.Next(6), resume: random.Next(3) > 0);
            var ended = host.Committed.OfType<RunEffect.Ended>().ToList();
            var sends = host.Committed.OfType<RunEffect.Send>().Select(s => s.StepId).ToList();
            // Only cancellations may come before the last end, each followed by a resume; the last end is the run's state.
            var onlyCancelsBefore = ended.SkipLast(1).All(e => e.Status == RunStatus.Cancelled);
            return host.State.IsTerminal && ended.Count >= 1 && ended[^1].Status == host.State.Status && onlyCancelsBefore
                && sends.Distinct().Count() == sends.Count;
        }).Check(Runs);
    }

    /// <summary>Never crashes, and takes jobs first in, first out.</summary>
    private sealed class CalmRandom : Random
    {
        public override double NextDouble() => 0.99;
        public override int Next(int maxValue) => 0;
        public override int Next(int minValue, int maxValue) => minValue;
    }
}
