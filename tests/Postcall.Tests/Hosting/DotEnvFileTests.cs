using Postcall.Hosting;

namespace Postcall.Tests.Hosting;

public sealed class DotEnvFileTests
{
    [Theory]
    [InlineData("KEY=value", "KEY", "value")]
    [InlineData("export KEY=value", "KEY", "value")]
    [InlineData("KEY = spaced ", "KEY", "spaced")]
    [InlineData("KEY=\"quoted # not a comment\"", "KEY", "quoted # not a comment")]
    [InlineData("KEY='single'", "KEY", "single")]
    [InlineData("KEY=value # comment", "KEY", "value")]
    [InlineData("KEY=wsec_a,wsec_b", "KEY", "wsec_a,wsec_b")]
    [InlineData("KEY=", "KEY", "")]
    [InlineData("KEY=a=b", "KEY", "a=b")]
    public void Lines_parse_like_python_dotenv(string line, string key, string value)
    {
        Assert.True(DotEnvFile.TryParseLine(line, out var k, out var v));
        Assert.Equal(key, k);
        Assert.Equal(value, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# comment")]
    [InlineData("no equals sign")]
    [InlineData("=value")]
    public void Other_lines_are_skipped(string line) => Assert.False(DotEnvFile.TryParseLine(line, out _, out _));

    [Fact]
    public void A_missing_file_is_no_settings() => Assert.Empty(DotEnvFile.Read("/nonexistent/.env"));
}
