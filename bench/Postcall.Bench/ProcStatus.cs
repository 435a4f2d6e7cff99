namespace Postcall.Bench;

/// <summary>Resident memory of another process, from /proc (Linux).</summary>
internal static class ProcStatus
{
    public static long KiloBytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{field} not found for {pid}");
    }

    /// <summary>Resets the peak (VmHWM) to the current RSS, so a later peak measures one operation alone.</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");
}
