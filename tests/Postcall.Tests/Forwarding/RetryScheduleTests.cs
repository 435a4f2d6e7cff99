using Postcall.Forwarding;

namespace Postcall.Tests.Forwarding;

public sealed class RetryScheduleTests
{
    [Fact]
    public void The_default_is_eight_attempts_over_about_27_hours()
    {
        var waits = RetrySchedule.Default.Waits;

        Assert.Equal(8, waits.Count);
        Assert.Equal(TimeSpan.Zero, waits[0]);
        Assert.Equal(TimeSpan.FromSeconds(5), waits[1]);
        Assert.InRange(waits.Aggregate(TimeSpan.Zero, (a, b) => a + b).TotalHours, 27, 28);
    }

    [Fact]
    public void One_entry_per_attempt_each_the_wait_before_it()
    {
        var schedule = RetrySchedule.Parse("0s, 1s,2s", out var problem)!;

        Assert.Null(problem);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], schedule.Waits);
        Assert.Equal(TimeSpan.Zero, schedule.WaitBefore(0));
        Assert.Null(schedule.WaitBefore(3));
        Assert.Equal("0s,1s,2s", schedule.ToString());
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    public void Units_are_ms_s_m_h_and_d(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RetrySchedule.Parse(text, out _)!.Waits[0]);

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("-1s")]
    [InlineData("1.5s")]
    [InlineData("0s,,1s")]
    [InlineData("8d")]
    public void Anything_else_is_refused(string text)
    {
        Assert.Null(RetrySchedule.Parse(text, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Jitter_stays_within_a_tenth_and_leaves_zero_alone()
    {
        Assert.Equal(TimeSpan.Zero, RetrySchedule.Jittered(TimeSpan.Zero));
        for (var i = 0; i < 1000; i++)
        {
            Assert.InRange(RetrySchedule.Jittered(TimeSpan.FromSeconds(100)).TotalSeconds, 90, 110);
        }
    }
}
