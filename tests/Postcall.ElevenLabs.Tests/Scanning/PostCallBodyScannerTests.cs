using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Postcall.Tests.Support;

namespace Postcall.ElevenLabs.Tests.Scanning;

public sealed class PostCallBodyScannerTests
{
    private static (PostCallBodyScanner Scanner, bool Valid, byte[] Audio) Scan(byte[] body, int chunk = int.MaxValue)
    {
        var audio = new ArrayBufferWriter<byte>();
        var scanner = new PostCallBodyScanner(audio);
        for (var i = 0; i < body.Length; i += chunk)
        {
            scanner.Feed(body.AsSpan(i, Math.Min(chunk, body.Length - i)));
        }

        var valid = scanner.Complete();
        return (scanner, valid, audio.WrittenSpan.ToArray());
    }

    private static (PostCallBodyScanner Scanner, bool Valid, byte[] Audio) Scan(string body, int chunk = int.MaxValue) =>
        Scan(Encoding.UTF8.GetBytes(body), chunk);

    [Fact]
    public void The_transcription_fixture_is_read()
    {
        var (scanner, valid, audio) = Scan(Fixtures.Bytes("post_call_transcription.json"));
        Assert.True(valid);
        Assert.Equal("post_call_transcription", scanner.Fields.Type.Value);
        Assert.Equal("abc", scanner.Fields.DataConversationId.Value);
        Assert.Equal(AudioField.Absent, scanner.Fields.Audio);
        Assert.Empty(audio);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public void The_audio_fixture_decodes_to_the_sample_mp3_whatever_the_chunking(int chunk)
    {
        var (scanner, valid, audio) = Scan(Fixtures.Bytes("post_call_audio.json"), chunk);
        Assert.True(valid);
        Assert.Equal("post_call_audio", scanner.Fields.Type.Value);
        Assert.Equal(AudioField.Decoded, scanner.Fields.Audio);
        Assert.Equal(Fixtures.Bytes("sample_call.mp3"), audio);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void Json_escapes_inside_the_base64_are_undone(int chunk)
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        var base64 = Convert.ToBase64String(mp3);
        Assert.Contains('/', base64);
        var wrapped = string.Join('\n', base64.Chunk(76).Select(c => new string(c)));
        var escaped = wrapped.Replace("/", "\\/", StringComparison.Ordinal).Replace("A", "\\u0041", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
        var (scanner, valid, audio) = Scan($$$"""{"type":"post_call_audio","data":{"conversation_id":"c1","full_audio":"{{{escaped}}}"}}""", chunk);
        Assert.True(valid);
        Assert.Equal(AudioField.Decoded, scanner.Fields.Audio);
        Assert.Equal(mp3, audio);
    }

    [Fact]
    public void Field_order_does_not_matter()
    {
        var (scanner, valid, audio) = Scan("""{"data":{"full_audio":"QUJD","conversation_id":"c\u0031"},"type":"post_call_audio"}""");
        Assert.True(valid);
        Assert.Equal("post_call_audio", scanner.Fields.Type.Value);
        Assert.Equal("c1", scanner.Fields.DataConversationId.Value);
        Assert.Equal("ABC"u8.ToArray(), audio);
    }

    [Fact]
    public void Nested_look_alike_fields_are_not_taken()
    {
        var (scanner, valid, audio) = Scan("""{"meta":{"type":"x","data":{"conversation_id":"no","full_audio":"QUJD"}},"data":{"inner":{"conversation_id":"no"}},"transcript":[]}""");
        Assert.True(valid);
        Assert.Equal(FieldKind.Absent, scanner.Fields.Type.Kind);
        Assert.Equal(FieldKind.Absent, scanner.Fields.DataConversationId.Kind);
        Assert.True(scanner.Fields.HasTranscript);
        Assert.Empty(audio);
    }

    [Theory]
    [InlineData("""{"data":{"full_audio":null}}""", nameof(AudioField.Null))]
    [InlineData("""{"data":{"full_audio":12}}""", nameof(AudioField.NotAString))]
    [InlineData("""{"data":{"full_audio":""}}""", nameof(AudioField.Empty))]
    [InlineData("""{"data":{"full_audio":"QUJ!"}}""", nameof(AudioField.InvalidBase64))]
    [InlineData("""{"data":{"full_audio":"QUJDRA"}}""", nameof(AudioField.InvalidBase64))]
    [InlineData("""{"data":{"full_audio":"QQ==QUJD"}}""", nameof(AudioField.InvalidBase64))]
    [InlineData("""{"data":{"full_audio":"\u00e9AAA"}}""", nameof(AudioField.InvalidBase64))]
    [InlineData("""{"data":{"full_audio":"QUJD","full_audio":"QUJD"}}""", nameof(AudioField.InvalidBase64))]
    [InlineData("""{"data":{"full_audio":"QUJDRA=="}}""", nameof(AudioField.Decoded))]
    [InlineData("""{"data":{"full_audio":" QUJD RA== "}}""", nameof(AudioField.Decoded))]
    public void Audio_field_states(string body, string expected)
    {
        var (scanner, valid, _) = Scan(body);
        Assert.True(valid);
        Assert.Equal(Enum.Parse<AudioField>(expected), scanner.Fields.Audio);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(7)]
    public void The_envelope_keeps_the_agent_and_the_event_time_of_any_delivery(int chunk)
    {
        var (scanner, valid, _) = Scan("""{"type":"post_call_audio","event_timestamp":1739537319,"data":{"agent_id":"agent_7","conversation_id":"c1","full_audio":"QUJD"}}""", chunk);

        Assert.True(valid);
        Assert.Equal("agent_7", scanner.Fields.AgentId);
        Assert.Equal(1739537319, scanner.Fields.EventTimestamp);
    }

    [Theory]
    [InlineData("""{"event_timestamp":1.5,"data":{"agent_id":7}}""")]
    [InlineData("""{"event_timestamp":-3,"data":{"agent_id":null}}""")]
    [InlineData("""{"event_timestamp":1e3,"data":{}}""")]
    [InlineData("""{"event_timestamp":"1739537319","data":{"agent_id":{"x":1}}}""")]
    [InlineData("""{"event_timestamp":99999999999999999999,"agent_id":"not-in-data"}""")]
    [InlineData("""{"meta":{"event_timestamp":5},"data":{"inner":{"agent_id":"deep"}}}""")]
    public void An_event_time_that_is_no_whole_number_and_an_agent_that_is_no_string_are_not_kept(string body)
    {
        var (scanner, valid, _) = Scan(body);

        Assert.True(valid);
        Assert.Null(scanner.Fields.AgentId);
        Assert.Null(scanner.Fields.EventTimestamp);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("{")]
    [InlineData("{\"type\":\"post_call_audio\",\"data\":{\"full_audio\":\"QUJD")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":\"\\u12G4\"}")]
    [InlineData("{\"a\":\"line\nbreak\"}")]
    [InlineData("{} {}")]
    [InlineData("{'a':1}")]
    [InlineData("[1,2")]
    public void Invalid_json_is_refused(string body) => Assert.False(Scan(body).Valid);

    [Fact]
    public void Invalid_utf8_is_refused_even_when_split_across_chunks()
    {
        var body = "{\"a\":\"xx\"}"u8.ToArray();
        body[6] = 0xC3; // a lead byte followed by 'x', not a continuation
        Assert.False(Scan(body, 1).Valid);
        Assert.False(Scan(body).Valid);
    }

    [Fact]
    public void Valid_multibyte_text_split_anywhere_is_accepted()
    {
        var body = Encoding.UTF8.GetBytes("""{"transcript":"héllo 日本 😀","conversation_id":"c"}""");
        for (var chunk = 1; chunk < 8; chunk++)
        {
            Assert.True(Scan(body, chunk).Valid);
        }
    }

    [Fact]
    public void Nesting_deeper_than_64_is_refused_like_system_text_json()
    {
        Assert.True(Scan(new string('[', 64) + new string(']', 64)).Valid);
        Assert.False(Scan(new string('[', 65) + new string(']', 65)).Valid);
    }

    [Fact]
    public void A_top_level_scalar_is_valid_json_but_not_an_object()
    {
        var (scanner, valid, _) = Scan("42");
        Assert.True(valid);
        Assert.False(scanner.Fields.RootIsObject);
    }

    [Fact]
    public void A_huge_conversation_id_is_kept_as_unusable_not_buffered()
    {
        var (scanner, valid, _) = Scan($$$"""{"type":"post_call_transcription","data":{"conversation_id":"{{{new string('a', 100_000)}}}"}}""");
        Assert.True(valid);
        Assert.Equal(FieldKind.JsonString, scanner.Fields.DataConversationId.Kind);
        Assert.Null(scanner.Fields.DataConversationId.Value);
    }

    [Fact]
    public void Validity_matches_system_text_json_on_random_documents_and_mutations()
    {
        var generator = new RandomJson(seed: 20261129);
        var disagreements = new List<string>();
        for (var i = 0; i < 4000; i++)
        {
            var document = generator.Document();
            var candidate = i % 2 == 0 ? document : generator.Mutate(document);
            // System.Text.Json does not check UTF-8 inside strings; JSON must be UTF-8 (RFC 8259), so we do.
            var expected = Utf8.IsValid(candidate) && IsValidForSystemTextJson(candidate);
            var actual = Scan(candidate, generator.Random.Next(1, 40)).Valid;
            if (expected != actual)
            {
                disagreements.Add($"{(expected ? "valid" : "invalid")}: {Convert.ToHexString(candidate)}");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements.Take(5)));
    }

    private static bool IsValidForSystemTextJson(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
