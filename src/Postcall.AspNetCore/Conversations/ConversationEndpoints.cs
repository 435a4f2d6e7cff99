using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Postcall.Access;
using Postcall.Http;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Conversations;

/// <summary>The read API: list, search, read, listen to and delete stored conversations. Every route needs a key.</summary>
internal static class ConversationEndpoints
{

    public sealed record Deleted(string ConversationId, int DeletedFiles, int DeletedForwards);

    public static RouteGroupBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        // Transcripts and recordings are personal data.
        var group = app.MapGroup("/api/conversations").WithTags("Conversations").RequireApiKey().WithNoStore();
        group.AddOpenApiOperationTransformer(ApiKeyOpenApi.RequireKeyAsync);

        group.MapGet("", ListAsync).WithName("ListConversations")
            .WithSummary("List conversations, newest first, with filters and full-text search over transcripts")
            .ProducesErrors(400, 401, 429, 503);
        group.MapGet("/{id}", GetAsync).WithName("GetConversation")
            .WithSummary("A conversation: metadata, analysis, transcript turns, failure details and links")
            .ProducesErrors(401, 404, 429, 503);
        group.MapGet("/{id}/audio", Audio).WithName("GetConversationAudio")
            .WithSummary("The recording as audio/mpeg, with HTTP Range support (seekable)")
            .WithDescription("Also accepts the short-lived `access` query value from the conversation's `links.audio`, for media players that cannot send headers.")
            .WithMetadata(new ApiKeyFilter.AllowsMediaToken())
            .Produces(StatusCodes.Status200OK, contentType: "audio/mpeg")
            .Produces(StatusCodes.Status206PartialContent, contentType: "audio/mpeg")
            .Produces(StatusCodes.Status416RangeNotSatisfiable)
            .ProducesErrors(401, 404, 429);
        group.MapGet("/{id}/raw/{kind}", Raw).WithName("GetConversationPayload")
            .WithSummary("A stored payload exactly as received: kind is transcription, failure, or a newer event type (see links.other)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesErrors(401, 404, 429);
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteConversation")
            .WithSummary("Delete a conversation: every payload file, its index entry, and its forwards with their attempts (for privacy requests)")
            .ProducesErrors(401, 404, 429, 503);
        return group;
    }

    private static async Task<Results<Answer<SuccessEnvelope<ConversationList>>, JsonHttpResult<ErrorEnvelope>>> ListAsync(
        HttpContext context, [AsParameters] ListParameters parameters, IConversationIndex index, TimeProvider time)
    {
        if (parameters.ToQuery(time.GetUtcNow(), out var problem) is not { } query)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidQuery, problem!);
        }

        await index.WaitOpenedAsync(context.RequestAborted);

        ConversationPage page;
        try
        {
            page = await index.ListAsync(query, context.RequestAborted);
        }
        catch (IndexUnavailableException)
        {
            return IndexUnavailable(context);
        }

        var list = new ConversationList([.. page.Items.Select(i => ConversationSummary.From(i.Facts, time.GetUtcNow(), i.Snippet))], page.Next?.Encode());
        return ApiResults.Success(context, list.Conversations.Count == 1 ? "1 conversation" : $"{list.Conversations.Count} conversations", list);
    }

    private static async Task<Results<Answer<SuccessEnvelope<ConversationDetail>>, JsonHttpResult<ErrorEnvelope>>> GetAsync(
        HttpContext context, string id, IConversationIndex index, IPayloadStore store, MediaTokens tokens, TimeProvider time)
    {
        if (!ConversationId.TryParse(id, out var conversation))
        {
            return NotFound(context);
        }

        try
        {
            if (await index.FactsAsync(store, conversation, context.RequestAborted) is not { } facts)
            {
                return NotFound(context);
            }

            var parts = await ConversationDocuments.ReadAsync(store, conversation, context.RequestAborted);
            var self = $"{context.Request.PathBase}/api/conversations/{conversation}";
            var links = new ConversationLinks(
                self,
                facts.AudioBytes is null ? null : $"{self}/audio?{ApiKeyFilter.MediaTokenQuery}={await tokens.CreateAsync(conversation.Value, context.RequestAborted)}",
                facts.TranscriptionBytes is null ? null : $"{self}/raw/transcription",
                facts.FailureBytes is null ? null : $"{self}/raw/failure",
                facts.OtherPayloads.Items.ToDictionary(p => p.EventType, p => $"{self}/raw/{p.EventType}", StringComparer.Ordinal));
            return ApiResults.Success(context, "Conversation", new ConversationDetail(
                ConversationSummary.From(facts, time.GetUtcNow()), parts.Analysis, parts.Transcript, parts.Metadata, parts.Failure, links));
        }
        catch (Exception e) when (e is StorageException or MediaKeyUnavailableException)
        {
            return StorageUnavailable(context, "The conversation could not be read; retry later.");
        }
    }

    private static Task<Results<FileStreamHttpResult, JsonHttpResult<ErrorEnvelope>>> Audio(HttpContext context, string id, IPayloadStore store) =>
        PayloadAsync(context, id, PayloadKind.Audio, "audio/mpeg", store);

    /// <summary><c>transcription</c>, <c>failure</c>, or an event type this version does not know (the recording is at <c>/audio</c>).</summary>
    private static async Task<Results<FileStreamHttpResult, JsonHttpResult<ErrorEnvelope>>> Raw(HttpContext context, string id, string kind, IPayloadStore store) =>
        PayloadKind.TryParse(kind, out var payload) && payload != PayloadKind.Audio
            ? await PayloadAsync(context, id, payload, "application/json", store)
            : NotFound(context);

    private static async Task<Results<Answer<SuccessEnvelope<Deleted>>, JsonHttpResult<ErrorEnvelope>>> DeleteAsync(
        HttpContext context, string id, ConversationDeletion deletion)
    {
        if (!ConversationId.TryParse(id, out var conversation))
        {
            return NotFound(context);
        }

        try
        {
            return await deletion.DeleteAsync(conversation, context.RequestAborted) is { } deleted
                ? ApiResults.Success(context, "Conversation deleted", new Deleted(conversation.Value, deleted.Payloads, deleted.Forwards))
                : NotFound(context);
        }
        catch (Exception e) when (e is StorageException or IndexUnavailableException or Forwarding.OutboxUnavailableException)
        {
            return StorageUnavailable(context, "The conversation could not be deleted; retry later.");
        }
    }

    /// <summary>The payload's bytes as stored, seekable for Range requests, streamed (never held in memory).</summary>
    private static async Task<Results<FileStreamHttpResult, JsonHttpResult<ErrorEnvelope>>> PayloadAsync(
        HttpContext context, string id, PayloadKind kind, string contentType, IPayloadStore store)
    {
        if (!ConversationId.TryParse(id, out var conversation))
        {
            return NotFound(context);
        }

        PayloadContent? content;
        try
        {
            content = await store.OpenAsync(conversation, kind, context.RequestAborted);
        }
        catch (StorageException)
        {
            return StorageUnavailable(context, "The payload could not be read; retry later.");
        }

        if (content is null)
        {
            return NotFound(context);
        }

        context.Response.Headers[HeaderNames.ContentDisposition] = $"inline; filename=\"{kind.FileName(conversation)}\"";
        // The result disposes the stream once it is sent.
        return TypedResults.Stream(content.Stream, contentType, lastModified: content.LastModified,
            entityTag: new EntityTagHeaderValue($"\"{content.Version.Trim('"')}\""), enableRangeProcessing: true);
    }

    private static JsonHttpResult<ErrorEnvelope> NotFound(HttpContext context) =>
        ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.ConversationNotFound, "No such conversation.");

    private static JsonHttpResult<ErrorEnvelope> StorageUnavailable(HttpContext context, string message) =>
        ApiResults.Error(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable, message);

    private static JsonHttpResult<ErrorEnvelope> IndexUnavailable(HttpContext context) =>
        ApiResults.Error(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.IndexUnavailable,
            "The conversation index is unavailable; see the log (a damaged local index is repaired by 'postcall reindex').");
}
