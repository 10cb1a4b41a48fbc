using System.Text.Json;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>
/// Turns a chunk of members into notification drafts with the single-send rules: the send is validated once per run and
/// template locale (<see cref="SendValidator"/>, for one stand-in member), and each member's drafts are copies of those
/// with its own id, userId and topics. A template send naming no locale gives each member its profile locale's variant
/// (one statement per chunk, only when the template is published in several locales), as batches and CSV jobs do.
/// </summary>
public sealed class FanOutDrafts(SendValidator validator, TemplateResolver templates, ProfileStore profiles)
{
    /// <summary>The stand-in recipient the shared part is validated for: a userId, which every channel accepts.</summary>
    private const string ProbeUser = "fan-out-member";

    /// <summary>One run's view of a fan-out: the send, and the drafts validated so far per locale.</summary>
    public sealed class Run(FanOutRun fanOut, SendRequest send)
    {
        public FanOutRun FanOut { get; } = fanOut;
        public SendRequest Send { get; } = send;
        public string[] Excluded => Send.Recipient?.ExcludeUserIds ?? [];
        internal Dictionary<string, IReadOnlyList<NotificationDraft>> ByLocale { get; } = new(StringComparer.Ordinal);
        internal Dictionary<int, string[]> TopicsByMask { get; } = [];
        internal bool? PerMemberLocale { get; set; }
    }

    public static Run Open(FanOutRun fanOut) =>
        new(fanOut, JsonSerializer.Deserialize<SendRequest>(fanOut.DefinitionJson, JsonBody.Options)
            ?? throw new JsonException("an empty fan-out definition"));

    /// <summary>Checks the shared part of a topic send as a send to one member would be: 400/422 naming the field.</summary>
    public Task<IReadOnlyList<NotificationDraft>> ValidateAsync(Guid tenantId, SendRequest send, string? locale,
        CancellationToken ct) =>
        validator.ValidateAsync(tenantId, send with { Recipient = new SendRecipient { UserId = ProbeUser } }, ct,
            new KnownProfileLocale(locale));

    /// <summary>Every member's drafts, one per channel; throws <see cref="RequestValidationException"/> when the send no
    /// longer validates.</summary>
    public async Task<List<NotificationDraft>> ForChunkAsync(Run run, FanOutChunk chunk, CancellationToken ct)
    {
        var tenantId = run.FanOut.TenantId;
        var locales = await LocalesAsync(run, chunk, ct);
        var drafts = new List<NotificationDraft>(chunk.UserIds.Length * (run.Send.Channels?.Length ?? 1));
        for (var i = 0; i < chunk.UserIds.Length; i++)
        {
            var userId = chunk.UserIds[i];
            var locale = locales?.GetValueOrDefault(userId) ?? "";
            if (!run.ByLocale.TryGetValue(locale, out var probes))
                run.ByLocale[locale] = probes = await ValidateAsync(tenantId, run.Send, locale.Length == 0 ? null : locale, ct);
            var topics = TopicsOf(run, chunk.TopicMasks?[i]);
            foreach (var probe in probes)
                drafts.Add(probe with
                {
                    Id = Uuid7.New(), Recipient = new StoredRecipient(userId, null, null, null) { Topics = topics },
                    BatchId = run.FanOut.Id,
                });
        }
        return drafts;
    }

    private async Task<Dictionary<string, string>?> LocalesAsync(Run run, FanOutChunk chunk, CancellationToken ct)
    {
        var send = run.Send;
        if (send.Template is null || send.Locale is not null) return null;
        if (run.PerMemberLocale is null)
        {
            run.PerMemberLocale = false;
            foreach (var channel in send.Channels ?? (send.Channel is null ? [] : [send.Channel]))
                if (ChannelNames.IsKnown(channel)
                        && await templates.HasLocaleVariantsAsync(run.FanOut.TenantId, send.Template, channel, ct))
                    run.PerMemberLocale = true;
        }
        return run.PerMemberLocale == true ? await profiles.LocalesAsync(run.FanOut.TenantId, chunk.UserIds, ct) : null;
    }

    /// <summary>The send's topics a member was reached through: all of them for a one-topic send, else those of its mask.</summary>
    private static string[] TopicsOf(Run run, int? mask)
    {
        if (mask is not { } m) return run.FanOut.Topics;
        if (!run.TopicsByMask.TryGetValue(m, out var topics))
            run.TopicsByMask[m] = topics = [.. run.FanOut.Topics.Where((_, bit) => (m & (1 << bit)) != 0)];
        return topics;
    }
}
