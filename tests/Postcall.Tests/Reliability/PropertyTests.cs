using Postcall.Storage.Files;
using System.Buffers;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Postcall.ElevenLabs;
using Postcall.Storage;

namespace Postcall.Tests.Reliability;

/// <summary>Properties checked on generated inputs (CsCheck shrinks any failure to a minimal example).</summary>
public sealed class PropertyTests
{
    private const long Now = 1_800_000_000;
    private static readonly Gen<string> Secret = Gen.String[Gen.Char.AlphaNumeric, 1, 80].Select(s => "wsec_" + s);

    /// <summary>Header-like text: the pieces real headers are made of, in any order and number, plus noise.</summary>
    private static readonly Gen<string> HeaderLike = Gen.OneOf<string>(
        Gen.String,
        Gen.OneOf("t=", "v0=", "v1=", ",", " ", "=", "1800000000", "-1", "00", "af93bd", new string('a', 64), new string('Z', 64), "t=1800000000", "\0", "é")
            .Array[0, 12].Select(parts => string.Concat(parts)));

    [Fact]
    public void The_verifier_never_throws_on_any_header() =>
        Gen.Select(HeaderLike, Gen.Byte.Array[0, 64]).Sample((header, body) =>
        {
            var verifier = new SignatureVerifier(["wsec_k"], new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)));
            var status = verifier.Verify(header, body);
            Assert.NotEqual(SignatureStatus.Valid, status);
            _ = SignatureHeader.TryParse(header, out _, out _);
        }, iter: 3000);

    [Fact]
    public void Any_whole_number_of_seconds_is_judged_and_never_throws() =>
        Gen.OneOf(Gen.Long[0, long.MaxValue], Gen.Long[0, 10_000_000_000_000], Gen.Long[Now - 1800, Now + 1800]).Sample(t =>
        {
            var verifier = new SignatureVerifier(["wsec_k"], new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)));
            var status = verifier.Verify($"t={t},v0={new string('0', 64)}", "{}"u8);
            var expected = t.ToString(System.Globalization.CultureInfo.InvariantCulture).Length > 18 ? SignatureStatus.Malformed
                : Math.Abs(Now - t) > 1800 ? SignatureStatus.TimestampOutOfTolerance
                : SignatureStatus.Mismatch;
            Assert.Equal(expected, status);
        }, iter: 5000);

    [Fact]
    public void Any_string_of_digits_is_judged_and_never_throws() =>
        Gen.String[Gen.Char['0', '9'], 1, 60].Sample(digits =>
        {
            var verifier = new SignatureVerifier(["wsec_k"], new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)));
            var status = verifier.Verify($"t={digits},v0={new string('0', 64)}", "{}"u8);
            Assert.Contains(status, new[] { SignatureStatus.Malformed, SignatureStatus.TimestampOutOfTolerance, SignatureStatus.Mismatch });
            if (digits.Length > 18)
            {
                Assert.Equal(SignatureStatus.Malformed, status);
            }
        }, iter: 5000);

    [Fact]
    public void Exactly_the_right_signatures_are_accepted() =>
        Gen.Select(Secret, Secret, Gen.Byte.Array[1, 2000], Gen.Long[-1800, 1800], Gen.Int).Sample((secret, other, body, age, flip) =>
        {
            var verifier = new SignatureVerifier([secret], new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)));
            var header = SignatureSigner.Sign(secret, Now - age, body);
            Assert.Equal(SignatureStatus.Valid, verifier.Verify(header, body));

            var tampered = (byte[])body.Clone();
            tampered[(int)((uint)flip % tampered.Length)] ^= (byte)(1 + ((uint)flip % 255));
            Assert.Equal(SignatureStatus.Mismatch, verifier.Verify(header, tampered));
            if (other != secret)
            {
                Assert.Equal(SignatureStatus.Mismatch, verifier.Verify(SignatureSigner.Sign(other, Now - age, body), body));
            }

            Assert.Equal(SignatureStatus.TimestampOutOfTolerance, verifier.Verify(SignatureSigner.Sign(secret, Now - 1801 - Math.Abs(age), body), body));
        }, iter: 500);

    /// <summary>How each base64 character is written inside the JSON string.</summary>
    private static readonly Gen<int> Escaping = Gen.Int[0, 9];

    [Fact]
    public void Streaming_audio_decoding_equals_a_plain_decode_whatever_the_escapes_and_chunking() =>
        Gen.Select(Gen.Byte.Array[0, 60_000], Escaping.Array[64], Gen.Int[1, 9000]).Sample((audio, escapes, chunk) =>
        {
            var json = new StringBuilder("{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"p\",\"full_audio\":\"");
            var base64 = Convert.ToBase64String(audio);
            for (var i = 0; i < base64.Length; i++)
            {
                var c = base64[i];
                json.Append(escapes[i % escapes.Length] switch
                {
                    0 when c == '/' => "\\/",
                    1 => $"\\u{(int)c:X4}",
                    2 when i % 76 == 0 => "\\n" + c,
                    3 when i % 50 == 0 => "\\r\\n" + c,
                    _ => c.ToString(),
                });
            }

            json.Append("\"}}");
            var body = Encoding.UTF8.GetBytes(json.ToString());
            var output = new ArrayBufferWriter<byte>();
            var scanner = new PostCallBodyScanner(output);
            for (var i = 0; i < body.Length; i += chunk)
            {
                scanner.Feed(body.AsSpan(i, Math.Min(chunk, body.Length - i)));
            }

            Assert.True(scanner.Complete());
            Assert.Equal(audio.Length == 0 ? AudioField.Empty : AudioField.Decoded, scanner.Fields.Audio);
            Assert.Equal(audio, output.WrittenSpan.ToArray());
        }, iter: 300);

    [Fact]
    public void Conversation_ids_that_pass_validation_always_resolve_inside_the_root()
    {
        var root = Path.Combine(Path.GetTempPath(), "postcall-property-root");
        var store = new FilePayloadStore(root);
        Gen.String[Gen.Char["abcXYZ019_-./\\ \0é~:*?%$"], 0, 140].Sample(candidate =>
        {
            if (ConversationId.TryParse(candidate, out var id))
            {
                Assert.Equal(store.Root, Path.GetDirectoryName(store.DirectoryFor(id)));
                foreach (var kind in PayloadKind.Known)
                {
                    var path = Path.GetFullPath(store.PathFor(id, kind));
                    Assert.StartsWith(store.Root + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
                    Assert.Equal(store.DirectoryFor(id), Path.GetDirectoryName(path));
                }
            }
        }, iter: 5000);
    }
}
