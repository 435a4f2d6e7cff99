namespace Postcall.Http;

internal static class RequestOutcomeExtensions
{
    public static RequestOutcome Outcome(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = context.Features.Get<RequestOutcome>();
        if (outcome is null)
        {
            outcome = new RequestOutcome();
            context.Features.Set(outcome);
        }

        return outcome;
    }
}
