using Microsoft.Extensions.Logging;
using Postcall.Hosting;

namespace Postcall.Tests.Hosting;

public sealed class PostcallSettingsTests
{
    private static PostcallSettings Load(params (string Key, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Key, v => v.Value);
        return PostcallSettings.Load(key => map.GetValueOrDefault(key));
    }

    [Fact]
    public void Defaults_match_the_old_service()
    {
        var settings = Load();
        Assert.Empty(settings.HmacKeys);
        Assert.Equal("./payloads", settings.PayloadPath);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
        Assert.Equal(200L * 1024 * 1024, settings.MaxBodyBytes);
    }

    [Fact]
    public void Several_comma_separated_keys_are_all_kept()
    {
        var settings = Load(("ELEVENLABS_POST_CALL_HMAC_KEY", " wsec_a , wsec_b,,"));
        Assert.Equal(["wsec_a", "wsec_b"], settings.HmacKeys);
    }

    [Theory]
    [InlineData("DEBUG", LogLevel.Debug)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("WARNING", LogLevel.Warning)]
    [InlineData("ERROR", LogLevel.Error)]
    public void Log_levels_map_from_the_python_names(string value, LogLevel expected) =>
        Assert.Equal(expected, Load(("LOG_LEVEL", value)).LogLevel);

    [Fact]
    public void Debug_lowers_the_default_log_level_but_never_overrides_an_explicit_one()
    {
        Assert.Equal(LogLevel.Debug, Load(("DEBUG", "true")).LogLevel);
        Assert.Equal(LogLevel.Warning, Load(("DEBUG", "true"), ("LOG_LEVEL", "WARNING")).LogLevel);
    }

    [Theory]
    [InlineData("LOG_LEVEL", "LOUD")]
    [InlineData("DEBUG", "maybe")]
    [InlineData("POSTCALL_MAX_BODY_BYTES", "lots")]
    [InlineData("POSTCALL_MAX_BODY_BYTES", "-1")]
    public void Invalid_values_are_reported_by_variable_name(string key, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load((key, value)));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        var error = Assert.Throws<SettingsException>(() => Load(("LOG_LEVEL", "x"), ("DEBUG", "y")));
        Assert.Contains("LOG_LEVEL", error.Message, StringComparison.Ordinal);
        Assert.Contains("DEBUG", error.Message, StringComparison.Ordinal);
    }
}
