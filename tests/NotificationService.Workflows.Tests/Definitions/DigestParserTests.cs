using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Definitions;

/// <summary>Digest and throttle steps as definitions: the comment-thread example reads as its steps, and every bad
/// definition is refused at its JSON path.</summary>
public class DigestParserTests
{
    private static string Wrap(string steps) => $$"""{"key":"k","name":"n","steps":[{{steps}}]}""";

    [Fact]
    public void The_comment_thread_example_reads_as_a_digest_and_a_throttle()
    {
        var result = WorkflowParser.Parse(Wrap(Samples.Batch + "," + Samples.Calm));
        Assert.Empty(result.Problems);
        var batch = Assert.IsType<DigestStep>(result.Definition!.Steps[0]);
        Assert.Equal("data.threadId", batch.Key!.Text);
        Assert.Equal(new DigestWindow.Fixed(TimeSpan.FromHours(1)), batch.Window);
        Assert.Equal((1000, new DigestKeep(3, 3)), (batch.MaxEvents, batch.Keep));
        var calm = Assert.IsType<ThrottleStep>(result.Definition.Steps[1]);
        Assert.Equal(("data.alert", 5, TimeSpan.FromHours(1), false), (calm.Key!.Text, calm.Limit, calm.Window, calm.Delay));
        // Their key paths read the run's context: a run reaching the digest asks for it.
        Assert.Null(Interpreter.ApplyUnlessContextRead(result.Definition, RunState.Start(result.Definition), new RunInput.Continue(0), DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Each_window_kind_reads_with_its_lengths_and_a_digest_without_a_key_or_keep_takes_the_defaults()
    {
        var d = WorkflowParser.Parse(Wrap("""
            {"id":"a","type":"digest","window":{"sliding":"PT10M","max":"PT1H"}},
            {"id":"b","type":"digest","window":{"scheduled":"30 9 * * 1-5"}},
            {"id":"c","type":"digest","window":{"backoff":"PT5M"}},
            {"id":"t","type":"throttle","limit":1,"window":"P1D","onLimit":"delay"}
            """)).Definition!;
        var a = (DigestStep)d.Steps[0];
        Assert.Equal(new DigestWindow.Sliding(TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)), a.Window);
        Assert.Equal((null, WorkflowLimits.DefaultDigestEvents, DigestKeep.Default), (a.Key, a.MaxEvents, a.Keep));
        Assert.Equal("30 9 * * 1-5", Assert.IsType<DigestWindow.Scheduled>(((DigestStep)d.Steps[1]).Window).Text);
        Assert.Equal(new DigestWindow.Backoff(TimeSpan.FromMinutes(5)), ((DigestStep)d.Steps[2]).Window);
        Assert.True(((ThrottleStep)d.Steps[3]).Delay);
    }

    [Theory]
    [InlineData("""{"id":"a","type":"digest","window":{"hourly":"PT1H"}}""", "$.steps[0].window.hourly", "unknown window kind 'hourly'")]
    [InlineData("""{"id":"a","type":"digest","window":{"fixed":"PT1H","backoff":"PT1H"}}""", "$.steps[0].window", "exactly one of")]
    [InlineData("""{"id":"a","type":"digest"}""", "$.steps[0].window", "a window is an object")]
    [InlineData("""{"id":"a","type":"digest","window":{"scheduled":"0 0 30 2 *"}}""", "$.steps[0].window.scheduled", "never fires")]
    [InlineData("""{"id":"a","type":"digest","window":{"scheduled":"0 9 1 1 *"}}""", "$.steps[0].window.scheduled", "at least every 31 days")]
    [InlineData("""{"id":"a","type":"digest","window":{"scheduled":"every morning"}}""", "$.steps[0].window.scheduled", "not a cron expression")]
    [InlineData("""{"id":"a","type":"digest","window":{"sliding":"PT10M"}}""", "$.steps[0].window.max", "bounded by `max`")]
    [InlineData("""{"id":"a","type":"digest","window":{"fixed":"PT1H","max":"PT2H"}}""", "$.steps[0].window.max", "sliding window only")]
    [InlineData("""{"id":"a","type":"digest","window":{"fixed":"P31D"}}""", "$.steps[0].window.fixed", "at most 30 days")]
    [InlineData("""{"id":"a","type":"digest","window":{"fixed":"PT1H"},"keep":{"first":101}}""", "$.steps[0].keep.first", "from 0 to 100")]
    [InlineData("""{"id":"a","type":"digest","window":{"fixed":"PT1H"},"keep":{"last":-1}}""", "$.steps[0].keep.last", "from 0 to 100")]
    [InlineData("""{"id":"a","type":"digest","window":{"fixed":"PT1H"},"maxEvents":10001}""", "$.steps[0].maxEvents", "from 1 to 10,000")]
    [InlineData("""{"id":"a","type":"digest","window":{"fixed":"PT1H"},"key":"data.x ==== 1"}""", "$.steps[0].key", "not a JMESPath expression")]
    [InlineData("""{"id":"a","type":"throttle","limit":0,"window":"PT1H"}""", "$.steps[0].limit", "from 1 to 10,000")]
    [InlineData("""{"id":"a","type":"throttle","limit":5}""", "$.steps[0].window", "window is required")]
    [InlineData("""{"id":"a","type":"throttle","limit":5,"window":"PT1H","onLimit":"queue"}""", "$.steps[0].onLimit", "`skip`")]
    public void A_bad_digest_or_throttle_is_reported_at_its_json_path(string step, string path, string message)
    {
        var problems = WorkflowParser.Parse(Wrap(step)).Problems;
        Assert.Contains(problems, p => p.Path == path && p.Message.Contains(message));
    }
}
