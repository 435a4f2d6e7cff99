using Microsoft.AspNetCore.Http.HttpResults;
using Postcall.Access;
using Postcall.Forwarding;
using Postcall.Http;

namespace Postcall.Reconciling;

/// <summary>
/// <c>/api/reconcile</c>: start a one-off sweep over any range (admin key), and follow it and the recent sweeps,
/// background and one-off (read key).
/// </summary>
internal static class ReconcileEndpoints
{
    public static IEndpointRouteBuilder MapReconcile(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reconcile").WithTags("Reconcile").RequireApiKey().WithNoStore();
        group.AddOpenApiOperationTransformer(ApiKeyOpenApi.RequireKeyAsync);
        group.MapPost("", StartAsync).WithName("StartReconcile").RequireAdminKey()
            .WithSummary("Compare the archive with ElevenLabs' Conversations API over a range and fetch what is missing: {\"since\", \"until\", \"agent_ids\", \"dry_run\"}; answered 202 with the sweep")
            .ProducesErrors(400, 401, 403, 409, 429, 503);
        group.MapGet("", ListAsync).WithName("ListSweeps")
            .WithSummary("The recent sweeps, background and one-off, newest first, each with its report")
            .ProducesErrors(401, 429, 503);
        group.MapGet("/{id}", GetAsync).WithName("GetSweep")
            .WithSummary("One sweep: its range, progress and report (listed, already stored, backfilled, unfillable, API errors)")
            .ProducesErrors(401, 404, 429, 503);
        return app;
    }

    private static async Task<Results<CreatedAnswer<SuccessEnvelope<SweepView>>, JsonHttpResult<ErrorEnvelope>>> StartAsync(
        HttpContext context, ReconcileService sweeps, ConversationsApi api, TimeProvider time)
    {
        if (!api.IsEnabled)
        {
            return ApiResults.Error(context, StatusCodes.Status409Conflict, ErrorCodes.ReconcileOff,
                $"Reconciling needs {ElevenLabsApiSettings.ApiKeyVariable}: a key to ElevenLabs' Conversations API.");
        }

        if (await SmallBody.ReadAsync(context) is not { } body)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidReconcile, "The body is too large.");
        }

        if (ReconcileRequest.Parse(body, time.GetUtcNow(), out var problem) is not { } request)
        {
            return ApiResults.Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidReconcile, problem!);
        }

        try
        {
            var sweep = await sweeps.StartAsync(request.Since, request.Until, request.AgentIds, request.DryRun, context.RequestAborted);
            return new CreatedAnswer<SuccessEnvelope<SweepView>>($"/api/reconcile/{sweep.Id}",
                new SuccessEnvelope<SweepView>("Reconcile started", context.RequestId(), SweepView.From(sweep)), accepted: true);
        }
        catch (OutboxUnavailableException)
        {
            return Unavailable(context);
        }
    }

    private static async Task<Results<Answer<SuccessEnvelope<SweepList>>, JsonHttpResult<ErrorEnvelope>>> ListAsync(
        HttpContext context, ISweepLedger ledger, ReconcileService sweeps, WebhookHealth webhooks)
    {
        try
        {
            var recent = await ledger.RecentSweepsAsync(20, context.RequestAborted);
            return ApiResults.Success(context, recent.Count == 1 ? "1 sweep" : $"{recent.Count} sweeps",
                new SweepList([.. recent.Select(s => SweepView.From(sweeps.Describe(s)))], webhooks.Latest));
        }
        catch (OutboxUnavailableException)
        {
            return Unavailable(context);
        }
    }

    private static async Task<Results<Answer<SuccessEnvelope<SweepView>>, JsonHttpResult<ErrorEnvelope>>> GetAsync(
        HttpContext context, string id, ISweepLedger ledger, ReconcileService sweeps)
    {
        try
        {
            return await ledger.SweepAsync(id, context.RequestAborted) is { } sweep
                ? ApiResults.Success(context, "Sweep", SweepView.From(sweeps.Describe(sweep)))
                : ApiResults.Error(context, StatusCodes.Status404NotFound, ErrorCodes.SweepNotFound, "No sweep has this id.");
        }
        catch (OutboxUnavailableException)
        {
            return Unavailable(context);
        }
    }

    private static JsonHttpResult<ErrorEnvelope> Unavailable(HttpContext context) => ApiResults.Error(context, StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.OutboxUnavailable, "Sweeps cannot be read or recorded now; retry later.");
}
