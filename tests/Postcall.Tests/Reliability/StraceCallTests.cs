using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

[Trait("Needs", "strace")]
public sealed class StraceCallTests
{
    [Fact]
    public void A_call_split_by_another_threads_call_is_read_whole_at_its_start()
    {
        string[] lines =
        [
            "101 1.000100 fsync(7</p/a.tmp> <unfinished ...>",
            "102 1.000200 close(9) = 0 <0.000010>",
            "101 1.000300 <... fsync resumed>) = 0 <0.000150>",
            "not a trace line",
        ];
        var begun = new List<string>();

        var calls = StraceCall.Read(lines, begun.Add).ToList();

        Assert.Equal(["fsync(7</p/a.tmp>"], begun);
        Assert.Equal(
            [new StraceCall("102", 1.0002, "close(9) = 0 <0.000010>", false), new StraceCall("101", 1.0001, "fsync(7</p/a.tmp>) = 0 <0.000150>", true)],
            calls);
    }
}
