using Microsoft.AspNetCore.Http.HttpResults;
using Postcall.Access;
using Postcall.Http;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>
/// Destinations, forwards and replay. Reading needs a key (read or admin); changing destinations and replaying need
/// an admin key, because whoever adds a destination receives every call from then on.
/// </summary>
internal static class ForwardEndpoints
{
    public static IEndpointRouteBuilder MapForwarding(this IEndpointRouteBuilder app)
    {
        var destinations = Group(app, "/api/destinations", "Destinations");
        destinations.MapGet("", ListDestinationsAsync).WithName("ListDestinations")
            .WithSummary("Where calls are forwarded, with each destination's pending and dead forwards, last success and failing-since")
            .ProducesErrors(401, 429, 503);
        destinations.MapPost("", CreateDestinationAsync).WithName("CreateDestination").RequireAdminKey()
            .WithSummary("Add a destination: only url is needed; answered 201 with its signing secret")
            .ProducesErrors(400, 401, 403, 429, 503);
        destinations.MapGet("/{id}", GetDestinationAsync).WithName("GetDestination")
            .WithSummary("One destination").ProducesErrors(401, 404, 429, 503);
        destinations.MapPatch("/{id}", UpdateDestinationAsync).WithName("UpdateDestination").RequireAdminKey()
            .WithSummary("Change a destination: pause or resume it (enabled), its kinds, agents, headers, timeout, concurrency, or rotate its secret")
            .ProducesErrors(400, 401, 403, 404, 409, 429, 503);
        destinations.MapDelete("/{id}", DeleteDestinationAsync).WithName("DeleteDestination").RequireAdminKey()
            .WithSummary("Remove a destination with its forwards and their attempts").ProducesErrors(401, 403, 404, 409, 429, 503);
        destinations.MapPost("/{id}/replay", ReplayAsync).WithName("ReplayDestination").RequireAdminKey()
            .WithSummary("Forward every stored call that started in a range to this destination again, in the background: {\"since\", \"until\", \"kinds\"}; answered 202 with the replay")
            .ProducesErrors(400, 401, 403, 404, 429, 503);
        destinations.MapGet("/{id}/replays/{replayId}", GetReplayAsync).WithName("GetDestinationReplay")
            .WithSummary("A replay's progress: conversations gone through, forwards made, status").ProducesErrors(401, 404, 429);
        destinations.MapPost("/{id}/retry-failed", RetryDeadAsync).WithName("RetryDeadForwards").RequireAdminKey()
            .WithSummary("Send every dead forward of a destination again (same webhook-id each, fresh schedule)")
            .ProducesErrors(401, 403, 404, 429, 503);

        var forwards = Group(app, "/api/forwards", "Forwards");
        forwards.MapGet("", ListForwardsAsync).WithName("ListForwards")
            .WithSummary("Forwards, newest first: ?status=pending|delivered|dead, ?destination=<id>, ?conversation=<id>, ?limit=1..1000")
            .ProducesErrors(400, 401, 429, 503);
        forwards.MapGet("/{id}", GetForwardAsync).WithName("GetForward")
            .WithSummary("One forward with every attempt: when, how long, the status code, the first 1 KB of the answer, the error")
            .ProducesErrors(401, 404, 429, 503);
        forwards.MapPost("/{id}/retry", RetryForwardAsync).WithName("RetryForward").RequireAdminKey()
            .WithSummary("Send a forward again now with a fresh schedule; it keeps its webhook-id, so a receiver that has it can drop it")
            .ProducesErrors(401, 403, 404, 429, 503);

        var conversations = Group(app, "/api/conversations", "Conversations");
        conversations.MapPost("/{id}/forward", ForwardConversationAsync).WithName("ForwardConversation").RequireAdminKey()
            .WithSummary("Forward a stored conversation again to every destination that takes it: new forwards, new webhook-ids")
            .ProducesErrors(401, 403, 404, 429, 503);
        return app;
    }

    private static RouteGroupBuilder Group(IEndpointRouteBuilder app, string prefix, string tag)
    {
        // Destination secrets, receivers' answers, conversation ids.
        var group = app.MapGroup(prefix).WithTags(tag).RequireApiKey().WithNoStore();
        group.AddOpenApiOperationTransformer(ApiKeyOpenApi.RequireKeyAsync);
        return group;
    }

    private static async Task<Results<Answer<SuccessEnvelope<DestinationList>>, JsonHttpResult<ErrorEnvelope>>> ListDestinationsAsync(
        HttpContext context, IForwardOutbox outbox) => await OutboxAsync<Answer<SuccessEnvelope<DestinationList>>>(context, async () =>
        {
            var all = await outbox.DestinationsAsync(context.RequestAborted);
            var health = (await outbox.HealthAsync(context.RequestAborted)).ToDictionary(h => h.DestinationId, StringComparer.Ordinal);
            var admin = ApiKeyFilter.HasAdminKey(context);
            var list = new DestinationList([.. all.Select(d => DestinationView.From(d, health.GetValueOrDefault(d.Id), admin))]);
            return ApiResults.Success(context, list.Destinations.Count == 1 ? "1 destination" : $"{list.Destinations.Count} destinations", list);
        });

    private static async Task<Results<CreatedAnswer<SuccessEnvelope<DestinationView>>, JsonHttpResult<ErrorEnvelope>>> CreateDestinationAsync(
        HttpContext context, DestinationChange? change, IForwardOutbox outbox, ForwardSettings settings, TimeProvider time)
    {
        if (change?.Url is null)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidDestination, "url is required: {\"url\": \"https://…\"}.");
        }

        var blank = new Destination
        {
            Id = "dst_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)),
            Url = new Uri("http://placeholder.invalid/"),
            Secret = WebhookSigner.NewSecret(),
            Source = DestinationSource.Api,
            CreatedAt = time.GetUtcNow(),
        };
        if (change.ApplyTo(blank, settings, out var problem) is not { } destination)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidDestination, problem!);
        }

        if (!settings.AllowPrivate && await DestinationChange.CheckPublicAsync(destination.Url, context.RequestAborted) is { } notPublic)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.DestinationNotPublic, notPublic);
        }

        return await OutboxAsync<CreatedAnswer<SuccessEnvelope<DestinationView>>>(context, async () =>
        {
            await outbox.SaveDestinationAsync(destination, context.RequestAborted);
            return new CreatedAnswer<SuccessEnvelope<DestinationView>>($"/api/destinations/{destination.Id}",
                new SuccessEnvelope<DestinationView>("Destination added", context.RequestId(), DestinationView.From(destination, null, admin: true)));
        });
    }

    private static async Task<Results<Answer<SuccessEnvelope<DestinationView>>, JsonHttpResult<ErrorEnvelope>>> GetDestinationAsync(
        HttpContext context, string id, IForwardOutbox outbox) => await OutboxAsync<Answer<SuccessEnvelope<DestinationView>>>(context, async () =>
        {
            if (await outbox.DestinationAsync(id, context.RequestAborted) is not { } destination)
            {
                return DestinationNotFound(context);
            }

            var health = (await outbox.HealthAsync(context.RequestAborted)).FirstOrDefault(h => h.DestinationId == destination.Id);
            return ApiResults.Success(context, "Destination", DestinationView.From(destination, health, ApiKeyFilter.HasAdminKey(context)));
        });

    private static async Task<Results<Answer<SuccessEnvelope<DestinationView>>, JsonHttpResult<ErrorEnvelope>>> UpdateDestinationAsync(
        HttpContext context, string id, DestinationChange? change, IForwardOutbox outbox, ForwardSettings settings, ForwardDispatcher dispatcher) =>
        await OutboxAsync<Answer<SuccessEnvelope<DestinationView>>>(context, async () =>
        {
            if (await outbox.DestinationAsync(id, context.RequestAborted) is not { } current)
            {
                return DestinationNotFound(context);
            }

            change ??= new DestinationChange();
            if (current.Source == DestinationSource.Handler && !change.OnlyPausesOrResumes)
            {
                return ApiResults.Error(context, StatusCodes.Status409Conflict, ErrorCodes.DestinationIsHandler,
                    "This destination is a handler registered in the app's code: change it there. Only enabled can be changed here.");
            }

            if (current.Source != DestinationSource.Api && !change.OnlyPausesOrResumes)
            {
                return ApiResults.Error(context, StatusCodes.Status409Conflict, ErrorCodes.DestinationFromEnvironment,
                    $"This destination comes from {ForwardSettings.UrlsVariable}: change it there. Only enabled can be changed here.");
            }

            if (change.ApplyTo(current, settings, out var problem) is not { } next)
            {
                return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidDestination, problem!);
            }

            if (change.Url is not null && current.Source == DestinationSource.Api && !settings.AllowPrivate
                && await DestinationChange.CheckPublicAsync(next.Url, context.RequestAborted) is { } notPublic)
            {
                return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.DestinationNotPublic, notPublic);
            }

            await outbox.SaveDestinationAsync(next, context.RequestAborted);
            dispatcher.Wake();
            return ApiResults.Success(context, "Destination changed", DestinationView.From(next, null, admin: true));
        });

    private static async Task<Results<Answer<SuccessEnvelope<DeletedDestination>>, JsonHttpResult<ErrorEnvelope>>> DeleteDestinationAsync(
        HttpContext context, string id, IForwardOutbox outbox) =>
        await OutboxAsync<Answer<SuccessEnvelope<DeletedDestination>>>(context, async () =>
        {
            if (await outbox.DestinationAsync(id, context.RequestAborted) is not { } current)
            {
                return DestinationNotFound(context);
            }

            if (current.Source == DestinationSource.Environment)
            {
                return ApiResults.Error(context, StatusCodes.Status409Conflict, ErrorCodes.DestinationFromEnvironment,
                    $"This destination comes from {ForwardSettings.UrlsVariable}: remove it there (it is then paused and can be deleted here).");
            }

            await outbox.DeleteDestinationAsync(id, context.RequestAborted);
            return ApiResults.Success(context, "Destination deleted", new DeletedDestination(id));
        });

    private static async Task<Results<Answer<SuccessEnvelope<RetriedForwards>>, JsonHttpResult<ErrorEnvelope>>> RetryDeadAsync(
        HttpContext context, string id, IForwardOutbox outbox, ForwardDispatcher dispatcher) =>
        await OutboxAsync<Answer<SuccessEnvelope<RetriedForwards>>>(context, async () =>
        {
            if (await outbox.DestinationAsync(id, context.RequestAborted) is null)
            {
                return DestinationNotFound(context);
            }

            var retried = await outbox.RetryDeadAsync(id, context.RequestAborted);
            dispatcher.Wake();
            return ApiResults.Success(context, retried == 1 ? "1 dead forward sent again" : $"{retried} dead forwards sent again", new RetriedForwards(id, retried));
        });

    private static async Task<Results<Answer<SuccessEnvelope<ForwardList>>, JsonHttpResult<ErrorEnvelope>>> ListForwardsAsync(
        HttpContext context, IForwardOutbox outbox, string? status, string? destination, string? conversation, int? limit)
    {
        ForwardStatus? wanted = null;
        if (status is not null)
        {
            if (!ForwardStatuses.TryParse(status, out var parsed))
            {
                return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidQuery, "status must be pending, delivered or dead.");
            }

            wanted = parsed;
        }

        ConversationId? conversationId = null;
        if (conversation is not null)
        {
            if (!ConversationId.TryParse(conversation, out var parsed))
            {
                return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidQuery, "conversation is not a conversation id.");
            }

            conversationId = parsed;
        }

        if (limit is < 1 or > 1000)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidQuery, "limit must be between 1 and 1000.");
        }

        return await OutboxAsync<Answer<SuccessEnvelope<ForwardList>>>(context, async () =>
        {
            var found = await outbox.ListForwardsAsync(new ForwardFilter(wanted, destination, conversationId, limit ?? 100), context.RequestAborted);
            var list = new ForwardList([.. found.Select(f => ForwardView.From(f))]);
            return ApiResults.Success(context, list.Forwards.Count == 1 ? "1 forward" : $"{list.Forwards.Count} forwards", list);
        });
    }

    private static async Task<Results<Answer<SuccessEnvelope<ForwardView>>, JsonHttpResult<ErrorEnvelope>>> GetForwardAsync(
        HttpContext context, string id, IForwardOutbox outbox) =>
        await OutboxAsync<Answer<SuccessEnvelope<ForwardView>>>(context, async () =>
            await outbox.ForwardAsync(id, context.RequestAborted) is { } forward
                ? ApiResults.Success(context, "Forward", ForwardView.From(forward, await outbox.AttemptsAsync(id, context.RequestAborted)))
                : ForwardNotFound(context));

    private static async Task<Results<Answer<SuccessEnvelope<ForwardView>>, JsonHttpResult<ErrorEnvelope>>> RetryForwardAsync(
        HttpContext context, string id, IForwardOutbox outbox, ForwardDispatcher dispatcher) =>
        await OutboxAsync<Answer<SuccessEnvelope<ForwardView>>>(context, async () =>
        {
            if (await outbox.RetryAsync(id, context.RequestAborted) is not { } forward)
            {
                return ForwardNotFound(context);
            }

            dispatcher.Wake();
            return ApiResults.Success(context, "Forward sent again", ForwardView.From(forward));
        });

    private static async Task<Results<Answer<SuccessEnvelope<ForwardList>>, JsonHttpResult<ErrorEnvelope>>> ForwardConversationAsync(
        HttpContext context, string id, IForwardOutbox outbox, IPayloadStore store, IConversationIndex index, ForwardDispatcher dispatcher)
    {
        if (!ConversationId.TryParse(id, out var conversation))
        {
            return ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.ConversationNotFound, "No such conversation.");
        }

        try
        {
            await dispatcher.WhenReadyAsync();
            var payloads = await store.PayloadsAsync(conversation, context.RequestAborted);
            if (payloads.Count == 0)
            {
                return ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.ConversationNotFound, "No such conversation.");
            }

            string? indexedAgent = null;
            try
            {
                indexedAgent = (await index.FindAsync(conversation, context.RequestAborted))?.AgentId;
            }
            catch (IndexUnavailableException)
            {
            }

            var made = new List<Forward>();
            foreach (var payload in payloads)
            {
                // What the delivery said of itself when it was recorded; otherwise what the index knows of the call.
                var delivery = await outbox.DeliveryAsync(conversation, payload.Kind, context.RequestAborted)
                    ?? new AcceptedDelivery(conversation, payload.Kind, payload.Version, indexedAgent, null);
                made.AddRange(await outbox.ForwardAgainAsync(delivery, null, context.RequestAborted));
            }

            dispatcher.Wake();
            var list = new ForwardList([.. made.Select(f => ForwardView.From(f))]);
            return ApiResults.Success(context, made.Count == 1 ? "1 forward made" : $"{made.Count} forwards made", list);
        }
        catch (StorageException)
        {
            return ApiResults.Error(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable, "The payloads could not be read; retry later.");
        }
        catch (OutboxUnavailableException)
        {
            return OutboxUnavailable(context);
        }
    }

    private static async Task<Results<CreatedAnswer<SuccessEnvelope<ReplayView>>, JsonHttpResult<ErrorEnvelope>>> ReplayAsync(
        HttpContext context, string id, IForwardOutbox outbox, DestinationReplay replays, TimeProvider time)
    {
        if (await SmallBody.ReadAsync(context) is not { } body)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidReplay, "The body is too large.");
        }

        if (ReplayRequest.Parse(body, time.GetUtcNow(), out var problem) is not { } request)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidReplay, problem!);
        }

        return await OutboxAsync<CreatedAnswer<SuccessEnvelope<ReplayView>>>(context, async () =>
        {
            if (await outbox.DestinationAsync(id, context.RequestAborted) is not { } destination)
            {
                return ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.DestinationNotFound, "No destination has this id.");
            }

            var replay = replays.Start(destination, request.Since, request.Until, request.Kinds);
            return new CreatedAnswer<SuccessEnvelope<ReplayView>>($"/api/destinations/{destination.Id}/replays/{replay.Id}",
                new SuccessEnvelope<ReplayView>("Replay started", context.RequestId(), ReplayView.From(replay)), accepted: true);
        });
    }

    private static Results<Answer<SuccessEnvelope<ReplayView>>, JsonHttpResult<ErrorEnvelope>> GetReplayAsync(
        HttpContext context, string id, string replayId, DestinationReplay replays) =>
        replays.Find(id, replayId) is { } replay
            ? ApiResults.Success(context, "Replay", ReplayView.From(replay))
            : ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.ReplayNotFound, "No replay of this destination has this id (this instance keeps its own).");

    private static async Task<Results<TOk, JsonHttpResult<ErrorEnvelope>>> OutboxAsync<TOk>(HttpContext context,
        Func<Task<Results<TOk, JsonHttpResult<ErrorEnvelope>>>> work)
        where TOk : IResult
    {
        try
        {
            // Right after start-up, the environment's destinations may not be in the outbox yet.
            await context.RequestServices.GetRequiredService<ForwardDispatcher>().WhenReadyAsync();
            return await work();
        }
        catch (OutboxUnavailableException)
        {
            return OutboxUnavailable(context);
        }
    }

    private static JsonHttpResult<ErrorEnvelope> OutboxUnavailable(HttpContext context) =>
        ApiResults.Error(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.OutboxUnavailable,
            "The forwarding outbox is unavailable; see the log and retry later.");

    private static JsonHttpResult<ErrorEnvelope> DestinationNotFound(HttpContext context) =>
        ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.DestinationNotFound, "No such destination.");

    private static JsonHttpResult<ErrorEnvelope> ForwardNotFound(HttpContext context) =>
        ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.ForwardNotFound, "No such forward.");
}
