namespace Postcall.Forwarding;

/// <summary>
/// One request made for a forward, kept whatever came of it. Its answer and error are text the destination controls
/// (a body, a status line, a reason phrase): each is kept to <see cref="MaxResponseChars"/> characters with its control
/// characters escaped, however it was made, so a hostile destination can neither fill the outbox nor hide escape
/// sequences in what an operator reads.
/// </summary>
/// <param name="Response">The first <see cref="MaxResponseChars"/> characters of the answer's body.</param>
internal sealed record ForwardAttempt(int Number, DateTimeOffset StartedAt, TimeSpan Duration, int? StatusCode, string? Response, string? Error, bool Succeeded)
{
    public const int MaxResponseChars = 1024;

    public string? Response { get; init => field = Http.LogText.Keep(value, MaxResponseChars, keepLineBreaks: true); } =
        Http.LogText.Keep(Response, MaxResponseChars, keepLineBreaks: true);

    public string? Error { get; init => field = Http.LogText.Keep(value, MaxResponseChars, keepLineBreaks: false); } =
        Http.LogText.Keep(Error, MaxResponseChars, keepLineBreaks: false);
}
