using System.Globalization;

namespace Postcall.Hosting;

/// <summary>A duration as settings write it: a whole number and a unit of <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>500ms</c>, <c>5m</c>, <c>48h</c>).</summary>
internal static class Duration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = default;
        var unitStart = text.Length;
        while (unitStart > 0 && char.IsAsciiLetter(text[unitStart - 1]))
        {
            unitStart--;
        }

        if (!long.TryParse(text.AsSpan(0, unitStart), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > 1_000_000_000
            || UnitOf(text[unitStart..]) is not { } unit)
        {
            return false;
        }

        duration = unit * amount;
        return true;
    }

    private static TimeSpan? UnitOf(string unit) => unit switch
    {
        "ms" => TimeSpan.FromMilliseconds(1),
        "s" => TimeSpan.FromSeconds(1),
        "m" => TimeSpan.FromMinutes(1),
        "h" => TimeSpan.FromHours(1),
        "d" => TimeSpan.FromDays(1),
        _ => null,
    };
}
