using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.People.Devices;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Suppressions;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>
/// The `deliver` job (one notification or a group of them): admits the batch's notifications against circuits and
/// rate limits (one statement), claims the admitted notifications for sending (one statement), resolves sends by userId
/// to their profiles' addresses as they are now (one statement, only when some notification lacks its address or its
/// template reads `{{recipient.*}}`), resolves push users to their registered devices (one statement), ends `skipped`
/// those with no address or device, ends suppressed recipients (one query), applies the recipients' preferences as they
/// are now (one query: opted out ends suppressed, quiet hours postpone), renders and sends each concurrently through the
/// channel's providers, each provider call's outcome committed as it returns (<see cref="AttemptRecorder"/>: dead push
/// tokens, then the ledger, the batch's outcomes that return together in one statement, with those decided without a
/// call), and tells the queue what to do with each job: done, retry, postpone, dead, or (a group not all done) split.
/// </summary>
public sealed class DeliveryJobHandler(
    NotificationLedger ledger, TemplateVersionStore templates, MessageRenderer renderer, ChannelSender sender,
    ProviderAdmission admission, DeviceStore devices, SuppressionStore suppressions, PreferenceGate preferences, ProfileResolution profiles,
    TenantStore tenants, AttemptRecorder recorder, TimeProvider clock, IConfiguration config) : JobHandler<DeliverJob>
{
    private readonly string? _publicBaseUrl = config["PublicBaseUrl"];

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, DeliverJob Args)> jobs,
        CancellationToken ct)
    {
        // A group that was in flight when a worker died (the queue hands such a suspect over alone): any of its notifications
        // may have done it. Nothing is sent; each goes on as a job of its own that keeps the crash count, so each runs alone
        // and a second crash sets aside only the one that causes it.
        if (jobs is [{ Job.Crashes: > 0, Args.Ids.Length: > 1 } suspect])
            return [new JobResult.Split([.. suspect.Args.Ids.Select(id => JobPart.For(DeliverJob.For(id),
                new JobResult.Throttled(TimeSpan.Zero,
                    "its group was running when a worker stopped: each notification runs on its own")))])];
        // A job delivers one notification or a group (DeliveryGroups): everything below works per notification.
        var units = jobs.SelectMany(j => j.Args.Ids.Select(id => (j.Job, Id: id))).ToArray();
        // Postponed notifications are never touched: no history row, no attempt, until their turn comes.
        var admitted = await admission.AdmitAsync(units.Select(u => u.Job).ToList(), ct);
        var claimed = await ledger.BeginSendingAsync(
            units.Where((_, i) => admitted[i] is Admission.Proceed).Select(u => u.Id).ToArray(), ct);
        var versions = await templates.GetManyAsync(
            claimed.Values.Where(r => r.TemplateVersionId is not null).Select(r => r.TemplateVersionId!.Value), ct);
        var batch = await profiles.ResolveAsync(claimed, versions, ct);
        var records = batch.Records;
        var userDevices = await devices.ActiveTokensAsync(
            records.Values.Where(NeedsDevices).Select(r => (r.TenantId, r.Recipient.UserId!)).Distinct().ToList(), ct);
        // Nothing to send to (or a user erased with a block): skipped, not failed, and no suppression or preference query for them.
        var unreachable = records.Values
            .Select(r => (r.Id, Reason: batch.IsBlocked(r) ? NotificationLedger.ErasedReason : Unreachable(r, userDevices)))
            .Where(x => x.Reason is not null).ToDictionary(x => x.Id, x => x.Reason!);
        // One query per batch: suppressed recipients end here, without a provider call.
        var suppressed = await suppressions.FindAsync(records.Values.Where(r => !unreachable.ContainsKey(r.Id))
            .Select(r => (r.Id, r.TenantId, r.Channel,
                Address: Addresses.Suppressible(r.Channel) ? Addresses.Of(r.Channel, r.Recipient.Email, r.Recipient.Phone) : null))
            .Where(c => c.Address is not null).Select(c => (c.Id, c.TenantId, c.Channel, c.Address!)).ToList(), ct);
        var decisions = await preferences.DecideAsync(records.Values
            .Where(r => !suppressed.ContainsKey(r.Id) && !unreachable.ContainsKey(r.Id))
            .Select(r => new PreferenceSubject(
                r.Id, r.TenantId, r.Channel, r.Category, UserKeys.Of(r.Recipient.UserId, r.Channel, r.Recipient.Email, r.Recipient.Phone),
                r.OverridePreferences, batch.ProfileOf(r)?.Fields.Timezone, r.Recipient.Topics)).ToList(), ct);
        var now = clock.GetUtcNow();

        var attempts = recorder.ForBatch(ct);
        var calls = Task.WhenAll(units.Select((unit, i) =>
            admitted[i] is not Admission.Proceed go || !records.TryGetValue(unit.Id, out var record)
                ? Task.FromResult<Decided?>(null)
            : ExpiredAt(record, now) is { } expiredAt
                ? Task.FromResult<Decided?>(new Decided(DeliveryOutcome.Expired(record, expiredAt)))
            : unreachable.TryGetValue(record.Id, out var skip)
                ? Task.FromResult<Decided?>(new Decided(DeliveryOutcome.Skipped(record, skip)))
            : suppressed.TryGetValue(record.Id, out var reason)
                ? Task.FromResult<Decided?>(new Decided(DeliveryOutcome.Suppressed(record, reason)))
            : decisions.GetValueOrDefault(record.Id) switch
            {
                PreferenceDecision.OptedOut o => Task.FromResult<Decided?>(
                    new Decided(DeliveryOutcome.OptedOut(record, o.Reason))),
                PreferenceDecision.Held h => Task.FromResult<Decided?>(
                    new Decided(DeliveryOutcome.Held(record, h.Until, now))),
                var d => DeliverAsync(unit.Job, record, go.Reserved, versions, userDevices, d as PreferenceDecision.Deliver,
                    batch.ProfileOf(record), attempts, ct),
            }));
        Decided?[] outcomes;
        try { outcomes = await calls; }
        catch
        {
            // A call that threw fails the batch (the queue retries it): what the other providers answered is committed
            // first, so the retry does not call them again.
            await attempts.AllReturnedAsync();
            throw;
        }

        // Provider calls handed their outcomes over as they returned; what was decided without one (expired, skipped,
        // suppressed, held) joins the batch's last commit.
        for (var i = 0; i < units.Length; i++)
            if (outcomes[i] is { Recorded: false } o)
                attempts.Returned(new ReturnedAttempt(InOwnTrace(o.Outcome.Attempt, units[i].Job), []));
        await attempts.AllReturnedAsync();
        var unitResults = units.Select((_, i) => admitted[i] switch
        {
            Admission.Wait w => new JobResult.Throttled(w.After, w.Reason),
            // A notification no longer in queued/sending (cancelled, already sent before a crash) needs no work.
            _ => outcomes[i]?.Outcome.JobResult ?? JobResult.Done,
        }).ToArray();
        return JobResults(jobs.Select(j => j.Job).ToList(), units, unitResults);
    }

    /// <summary>
    /// The queue set these jobs aside (their handling stopped the worker, or the worker died on their last attempt): no
    /// outcome was recorded, so their notifications are still `sending`. They end `failed` with the queue's reason, in the
    /// queue's transaction. A group ends as a whole: the queue cannot tell which of its notifications did it.
    /// </summary>
    protected override Task OnSetAsideAsync(QueueTransaction tx, IReadOnlyList<(DeadJob Job, DeliverJob Args)> jobs,
        CancellationToken ct) =>
        ledger.FailSetAsideAsync(ledger.Join(tx),
            [.. jobs.SelectMany(j => j.Args.Ids.Select(id => (j.Job.TenantId, id, j.Job.LastError ?? CrashPolicy.SetAsideReason)))], ct);

    /// <summary>A single notification's result is its job's; a group is done when all of it is, else the rest splits off.</summary>
    private static List<JobResult> JobResults(IReadOnlyList<Job> jobs, (Job Job, Guid Id)[] units, JobResult[] unitResults)
    {
        var results = new List<JobResult>(jobs.Count);
        var u = 0;
        foreach (var job in jobs)
        {
            var first = u;
            while (u < units.Length && ReferenceEquals(units[u].Job, job)) u++;
            var count = u - first;
            results.Add(count == 1 ? unitResults[first]
                : Enumerable.Range(first, count).Where(i => unitResults[i] is not JobResult.Completed)
                      .Select(i => JobPart.For(DeliverJob.For(units[i].Id), unitResults[i])).ToList() is { Count: > 0 } parts
                    ? new JobResult.Split(parts)
                    : JobResult.Done);
        }
        return results;
    }

    /// <summary>An in_app notification's `expiresAt` (validated at accept, kept in its metadata) when it has passed.</summary>
    private static DateTimeOffset? ExpiredAt(ClaimedNotification r, DateTimeOffset now) =>
        r.Channel == ChannelNames.InApp && InboxExpiry.TryParse(r.Metadata?[InboxExpiry.MetadataKey], out var at) && at <= now ? at : null;

    /// <summary>
    /// Push to a userId without explicit tokens goes to the user's devices as registered when it is SENT, not when
    /// it was accepted: a device added meanwhile gets it, one that died meanwhile does not, and retries re-resolve.
    /// </summary>
    private static bool NeedsDevices(ClaimedNotification r) =>
        r.Channel == ChannelNames.Push && r.Recipient.DeviceTokens is not { Length: > 0 } && !string.IsNullOrEmpty(r.Recipient.UserId);

    /// <summary>
    /// Why a notification has nobody to go to, or null: its channel's address is missing even after the profile
    /// (`no_address:&lt;channel&gt;`), or a push user has no active device (`no_device`, which used to end `failed`).
    /// </summary>
    private static string? Unreachable(ClaimedNotification r, Dictionary<(Guid, string), List<string>> userDevices) =>
        ProfileResolution.MissingAddress(r) ? "no_address:" + r.Channel
        : NeedsDevices(r) && !userDevices.ContainsKey((r.TenantId, r.Recipient.UserId!)) ? "no_device"
        : null;

    /// <summary>What became of one notification of the batch, and whether its outcome is already committed (a provider call's).</summary>
    private sealed record Decided(DeliveryOutcome Outcome, bool Recorded = false);

    private async Task<Decided?> DeliverAsync(Job job, ClaimedNotification n, ProviderConfig? reserved,
        IReadOnlyDictionary<Guid, TemplateVersion> versions, Dictionary<(Guid, string), List<string>> userDevices,
        PreferenceDecision.Deliver? links, StoredProfile? profile, BatchAttempts attempts, CancellationToken ct)
    {
        // In a claim that mixed traces, the provider call and what its outcome enqueues stay in the job's own trace.
        using var span = JobTracing.StartJob(job);
        var attempt = await AttemptAsync(n, reserved, versions, userDevices, links, profile, ct);
        var outcome = DeliveryOutcome.From(job, n, attempt);
        if (span is not null) outcome = outcome with { Attempt = outcome.Attempt with { TraceParent = span.Id } };
        // Committed before the job can be acknowledged, and before the rest of the batch is done: see AttemptRecorder. Its
        // trace is named here: the statement that commits it runs outside this span.
        var own = InOwnTrace(outcome.Attempt, job);
        attempts.Returned(new ReturnedAttempt(own with { TraceParent = own.TraceParent ?? JobTracing.CurrentTraceParent() },
            DeadTokens(attempt.Result, n.TenantId)));
        return new Decided(outcome, Recorded: true);
    }

    /// <summary>An outcome's events (webhook jobs) continue its job's trace, not the batch's, when the claim mixed traces;
    /// a sent notification's under its job's span, the others' under the request that accepted them.</summary>
    private static AttemptOutcome InOwnTrace(AttemptOutcome attempt, Job job) =>
        attempt.TraceParent is null && JobTracing.OwnTraceParent(job) is { } own ? attempt with { TraceParent = own } : attempt;

    private async Task<SendAttempt> AttemptAsync(ClaimedNotification n, ProviderConfig? reserved,
        IReadOnlyDictionary<Guid, TemplateVersion> versions, Dictionary<(Guid, string), List<string>> userDevices,
        PreferenceDecision.Deliver? links, StoredProfile? profile, CancellationToken ct)
    {
        TemplateVersion? version = null;
        if (n.TemplateVersionId is { } vid && !versions.TryGetValue(vid, out version))
            return new SendAttempt(new DeliveryResult.Permanent("template version not found", "template_missing"), null);

        var recipientVariables = MessageRenderer.MentionsRecipient(n, version)
            ? RecipientVariables.Of(n.Recipient.UserId, n.Recipient.Email, n.Recipient.Phone, profile?.Fields) : null;
        // Channels without link parts never ask; the others read it through the tenant cache.
        var linkPolicy = ChannelParts.HasLinkParts(n.Channel) ? await tenants.LinkPolicyAsync(n.TenantId, ct) : LinkPolicy.HttpsOnly;
        var rendered = renderer.Render(n, version, linkPolicy,
            links is null ? null : new LinkVariables(links.UnsubscribeUrl, links.PreferencesUrl), recipientVariables);
        if (rendered is RenderOutcome.Failed f)
            return new SendAttempt(new DeliveryResult.Permanent(f.Error, f.Error.Split(':')[0]), null);

        var recipient = n.ToRecipient();
        // Users without an active device never get here (skipped, see Unreachable).
        if (NeedsDevices(n)) recipient = recipient with { DeviceTokens = userDevices[(n.TenantId, n.Recipient.UserId!)] };
        var message = new OutgoingMessage(n.Id, n.TenantId, n.Channel, recipient, ((RenderOutcome.Ok)rendered).Content,
            n.MetadataStrings(), n.Category, _publicBaseUrl, links is { OneClick: true } ? links.UnsubscribeUrl : null);
        return await sender.SendAsync(message, reserved, ct);
    }

    private static List<(Guid TenantId, string Token)> DeadTokens(DeliveryResult result, Guid tenantId) =>
        [.. ((result switch { DeliveryResult.Sent s => s.DeadTokens, DeliveryResult.Permanent p => p.DeadTokens, _ => null }) ?? [])
            .Select(t => (tenantId, t))];
}
