using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Postcall.Access;
using Postcall.Hosting;

namespace Postcall.Tests.Conversations;

/// <summary>Media links: valid for no longer than the service mints them, and signed with keys an operator can rotate.</summary>
public sealed class MediaTokensTests
{
    private const string Old = "old-media-key-0123456789abcdef0123456789";
    private const string New = "new-media-key-fedcba9876543210fedcba9876";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static MediaTokens Tokens(TimeProvider time, params string[] keys) => new(new Keys(keys), time);

    /// <summary>A link as anyone holding <paramref name="key"/> could make it, for any expiry.</summary>
    private static string Forged(string key, string conversationId, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{conversationId}\n{seconds}")));
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{Convert.ToHexStringLower(mac)}");
    }

    [Fact]
    public async Task A_link_valid_for_longer_than_the_service_ever_mints_is_refused_even_when_its_signature_is_right()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T12:00:00Z", CultureInfo.InvariantCulture));
        var tokens = Tokens(time, Old);
        var now = time.GetUtcNow();

        Assert.True(await tokens.IsValidAsync("c1", await tokens.CreateAsync("c1", Cancel), Cancel));
        // Another instance whose clock runs a few minutes ahead minted it: still good.
        Assert.True(await tokens.IsValidAsync("c1", Forged(Old, "c1", now + MediaTokens.Lifetime + TimeSpan.FromMinutes(4)), Cancel));
        // Whoever obtained the key cannot mint a link that outlives a rotation.
        Assert.False(await tokens.IsValidAsync("c1", Forged(Old, "c1", now + MediaTokens.Lifetime + TimeSpan.FromMinutes(6)), Cancel));
        Assert.False(await tokens.IsValidAsync("c1", Forged(Old, "c1", DateTimeOffset.Parse("2100-01-01T00:00:00Z", CultureInfo.InvariantCulture)), Cancel));
        Assert.False(await tokens.IsValidAsync("c1", Forged(Old, "c1", now - TimeSpan.FromSeconds(1)), Cancel));
        Assert.False(await tokens.IsValidAsync("c2", Forged(Old, "c1", now + TimeSpan.FromMinutes(10)), Cancel));
    }

    [Fact]
    public async Task A_rotation_signs_with_the_new_key_keeps_links_of_the_old_one_while_it_is_listed_and_then_refuses_them()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T12:00:00Z", CultureInfo.InvariantCulture));
        var before = await Tokens(time, Old).CreateAsync("c1", Cancel);

        var during = Tokens(time, New, Old);
        var minted = await during.CreateAsync("c1", Cancel);
        Assert.True(await during.IsValidAsync("c1", before, Cancel));
        Assert.True(await Tokens(time, New).IsValidAsync("c1", minted, Cancel));

        Assert.False(await Tokens(time, New).IsValidAsync("c1", before, Cancel));
    }

    [Theory]
    [InlineData("short-key", false)]
    [InlineData(New + "," + Old, true)]
    public void POSTCALL_MEDIA_KEY_takes_keys_of_32_characters_or_more(string value, bool valid)
    {
        PostcallSettings Load() => PostcallSettings.Load(name => name == PostcallSettings.MediaKeyVariable ? value : null);
        if (valid)
        {
            Assert.Equal([New, Old], Load().MediaKeys);
        }
        else
        {
            var error = Assert.Throws<SettingsException>(Load);
            Assert.Contains(PostcallSettings.MediaKeyVariable, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }

    private sealed class Keys(string[] keys) : IMediaKeySource
    {
        public Task<IReadOnlyList<byte[]>> GetKeysAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<byte[]>>([.. keys.Select(Encoding.UTF8.GetBytes)]);
    }
}
