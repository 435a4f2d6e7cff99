using System.Globalization;
using System.Text.RegularExpressions;

namespace Postcall.Tests.Support;

/// <summary>
/// One system call in strace's <c>-f -ttt</c> output: the thread, when it began, and its <c>name(args) = result …</c>
/// whole, even when strace split it in two lines ("&lt;unfinished ...&gt;", then "&lt;... name resumed&gt;") because
/// another thread's call came between.
/// </summary>
public sealed partial record StraceCall(string Thread, double Start, string Text, bool WasSplit)
{
    private const string Unfinished = "<unfinished ...>";

    /// <summary>The calls in the order the trace has them (as they ended).</summary>
    /// <param name="begun">Given the first half of each split call as it appears, before the calls that ended meanwhile.</param>
    public static IEnumerable<StraceCall> Read(IEnumerable<string> lines, Action<string>? begun = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var unfinished = new Dictionary<string, (double Start, string Head)>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (LineFormat().Match(line) is not { Success: true } match)
            {
                continue;
            }

            var (thread, time, text) = (match.Groups[1].Value, double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), match.Groups[3].Value);
            if (text.EndsWith(Unfinished, StringComparison.Ordinal))
            {
                var head = text[..^Unfinished.Length].TrimEnd();
                unfinished[thread] = (time, head);
                begun?.Invoke(head);
            }
            else if (Resumed().Match(text) is { Success: true } resumed)
            {
                if (unfinished.Remove(thread, out var head))
                {
                    yield return new StraceCall(thread, head.Start, head.Head + resumed.Groups[1].Value, WasSplit: true);
                }
            }
            else
            {
                yield return new StraceCall(thread, time, text, WasSplit: false);
            }
        }
    }

    [GeneratedRegex(@"^(\d+)\s+(\d+\.\d+)\s+(.*)$")]
    private static partial Regex LineFormat();

    [GeneratedRegex(@"^<\.\.\. \w+ resumed>(.*)$")]
    private static partial Regex Resumed();
}
