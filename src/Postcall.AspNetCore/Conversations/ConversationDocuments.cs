using System.Text.Json;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Conversations;

/// <summary>Reads the transcript, analysis and failure details of a conversation from its stored JSON, asynchronously.</summary>
internal static class ConversationDocuments
{
    /// <summary>Larger transcription files are listed but not parsed for the detail view.</summary>
    public const long MaxParsedBytes = 32L * 1024 * 1024;

    public sealed record Parts(CallAnalysis? Analysis, IReadOnlyList<TranscriptTurn> Transcript, JsonElement? Metadata, FailureDetails? Failure);

    public static async Task<Parts> ReadAsync(IPayloadStore store, ConversationId id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        CallAnalysis? analysis = null;
        IReadOnlyList<TranscriptTurn> transcript = [];
        JsonElement? metadata = null;
        using (var document = await ParseAsync(store, id, PayloadKind.Transcription, cancellationToken))
        {
            if (document is not null)
            {
                var data = PayloadFacts.DataOf(document.RootElement);
                analysis = Analysis(PayloadFacts.Member(data, "analysis"));
                transcript = Turns(PayloadFacts.Member(data, "transcript"));
                metadata = Clone(PayloadFacts.Member(data, "metadata"));
            }
        }

        using var failure = await ParseAsync(store, id, PayloadKind.Failure, cancellationToken);
        return new Parts(analysis, transcript, metadata, failure is null ? null : Failure(PayloadFacts.DataOf(failure.RootElement)));
    }

    private static CallAnalysis? Analysis(JsonElement analysis)
    {
        if (analysis.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var criteria = Entries(PayloadFacts.Member(analysis, "evaluation_criteria_results"))
            .Select(e => new EvaluationResult(PayloadFacts.Text(e.Value, "criteria_id") ?? e.Name,
                PayloadFacts.Text(e.Value, "result"), PayloadFacts.Text(e.Value, "rationale")));
        var collected = Entries(PayloadFacts.Member(analysis, "data_collection_results"))
            .Select(e => new CollectedData(PayloadFacts.Text(e.Value, "data_collection_id") ?? e.Name,
                Clone(PayloadFacts.Member(e.Value, "value")), PayloadFacts.Text(e.Value, "rationale")));
        return new CallAnalysis(PayloadFacts.Text(analysis, "call_successful"), PayloadFacts.Text(analysis, "transcript_summary"),
            [.. criteria], [.. collected]);
    }

    private static List<TranscriptTurn> Turns(JsonElement transcript) => transcript.ValueKind != JsonValueKind.Array ? [] :
    [
        .. transcript.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.Object).Select(t => new TranscriptTurn(
            PayloadFacts.Text(t, "role") ?? "unknown",
            PayloadFacts.Text(t, "message"),
            PayloadFacts.Real(t, "time_in_call_secs"),
            Clone(PayloadFacts.Member(t, "tool_calls")),
            Clone(PayloadFacts.Member(t, "tool_results")))),
    ];

    private static FailureDetails Failure(JsonElement data)
    {
        var metadata = PayloadFacts.Member(data, "metadata");
        var body = PayloadFacts.Member(metadata, "body");
        return new FailureDetails(
            PayloadFacts.FailureReason(data),
            PayloadFacts.Text(metadata, "type"),
            PayloadFacts.Text(data, "error_message") ?? PayloadFacts.Text(body, "error_reason"),
            Clone(body));
    }

    private static IEnumerable<JsonProperty> Entries(JsonElement map) =>
        map.ValueKind == JsonValueKind.Object ? map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object) : [];

    /// <summary>A copy that outlives its document; null for absent and JSON null.</summary>
    private static JsonElement? Clone(JsonElement element) =>
        element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : element.Clone();

    private static async Task<JsonDocument?> ParseAsync(IPayloadStore store, ConversationId id, PayloadKind kind, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenAsync(id, kind, cancellationToken);
        if (content is null || content.Length > MaxParsedBytes)
        {
            return null;
        }

        try
        {
            return await JsonDocument.ParseAsync(content.Stream, PayloadFacts.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
