using System.Text.Json;

namespace Postcall.Conversations;

/// <summary>Why a call never started; <see cref="Details"/> is the telephony provider's own report (SIP or Twilio).</summary>
internal sealed record FailureDetails(string? Reason, string? Provider, string? Message, JsonElement? Details);
