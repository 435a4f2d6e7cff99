namespace Postcall.Reconciling;

/// <summary>What a sweep found, as it goes; counts, and the first of each kind of trouble by conversation.</summary>
internal sealed class SweepReport
{
    /// <summary>Items kept in <see cref="UnfillableItems"/> and <see cref="Errors"/>; the counts go on.</summary>
    public const int MaxItems = 100;

    private readonly Lock _lock = new();

    public int Pages { get; set; }

    public int Listed { get; set; }

    /// <summary>Listed items that were not usable: no id, or one that is not a valid conversation id.</summary>
    public int SkippedIds { get; set; }

    /// <summary>Still in progress or being analysed: looked at again by a later sweep.</summary>
    public int NotFinal { get; set; }

    /// <summary>Final, but their webhooks may still come (the grace).</summary>
    public int Waiting { get; set; }

    public int AlreadyStored { get; set; }

    public int BackfilledTranscriptions { get; set; }

    public int BackfilledRecordings { get; set; }

    /// <summary>What the API cannot give (404, Zero Retention Mode, no recording), recorded and not asked for again.</summary>
    public int Unfillable { get; set; }

    /// <summary>Answers that failed for a passing reason or were malformed: tried again by a later sweep.</summary>
    public int ApiErrors { get; set; }

    public List<SweepItem> UnfillableItems { get; set; } = [];

    public List<SweepItem> Errors { get; set; } = [];

    public void Add(Action<SweepReport> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            change(this);
        }
    }

    public void AddUnfillable(SweepItem item) => Add(r =>
    {
        r.Unfillable++;
        if (r.UnfillableItems.Count < MaxItems)
        {
            r.UnfillableItems.Add(item);
        }
    });

    public void AddError(SweepItem item) => Add(r =>
    {
        r.ApiErrors++;
        if (r.Errors.Count < MaxItems)
        {
            r.Errors.Add(item);
        }
    });
}
