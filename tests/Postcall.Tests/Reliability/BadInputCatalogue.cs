using System.Text;
using Postcall.ElevenLabs;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

/// <summary>Hand-written malformed requests, each a way a sender (or an attacker) can get it wrong.</summary>
internal static class BadInputCatalogue
{
    public sealed record Case(string Name, string? Signature, string? ContentType, byte[] Body, string Path = Deliveries.Path);

    private static readonly byte[] Good = Fixtures.Bytes("post_call_transcription.json");

    private static Case Signed(string name, string body, string? contentType = "application/json", string path = Deliveries.Path) =>
        Signed(name, Encoding.UTF8.GetBytes(body), contentType, path);

    private static Case Signed(string name, byte[] body, string? contentType = "application/json", string path = Deliveries.Path) =>
        new(name, SignatureSigner.Sign(Fixtures.Secret, Deliveries.Now, body), contentType, body, path);

    private static string Envelope(string type, string data) => $$$"""{"type":"{{{type}}}","event_timestamp":1,"data":{{{data}}}}""";

    public static IEnumerable<Case> All()
    {
        var now = Deliveries.Now;
        var good = SignatureSigner.Sign(Fixtures.Secret, now, Good);
        var mac = good.Split("v0=")[1];

        // Headers.
        foreach (var (name, header) in new[]
        {
            ("no header", (string?)null), ("empty header", ""), ("spaces only", "   "), ("no parts", ","), ("only t", $"t={now}"),
            ("only v0", $"v0={mac}"), ("t not a number", $"t=now,v0={mac}"), ("t negative", $"t=-{now},v0={mac}"),
            ("t with decimals", $"t={now}.5,v0={mac}"), ("t overflow", $"t=99999999999999999999999,v0={mac}"),
            ("two t", $"t={now},t={now},v0={mac}"), ("v0 short", $"t={now},v0={mac[..63]}"), ("v0 long", $"t={now},v0={mac}0"),
            ("v0 not hex", $"t={now},v0={new string('g', 64)}"), ("v0 empty", $"t={now},v0="), ("semicolons", $"t={now};v0={mac}"),
            ("sha256= form", $"sha256={mac}"), ("v1 only", $"t={now},v1={mac}"), ("stale", $"t={now - 3600},v0={mac}"),
            ("future", $"t={now + 3600},v0={mac}"), ("epoch", $"t=0,v0={mac}"), ("other secret", SignatureSigner.Sign("wsec_other", now, Good)),
            ("ascii noise in mac", $"t={now},v0=~{mac[1..]}"), ("huge header", "t=1," + new string('a', 5000)),
            ("mac of another body", SignatureSigner.Sign(Fixtures.Secret, now, "{}"u8)),
            ("t in milliseconds", $"t={now * 1000},v0={mac}"), ("t past what a TimeSpan holds", $"t=1000000000000,v0={new string('0', 64)}"),
            ("t of 18 nines", $"t=999999999999999999,v0={mac}"), ("t of long.MaxValue", $"t={long.MaxValue},v0={mac}"),
            ("t of 40 digits", $"t={new string('9', 40)},v0={mac}"),
        })
        {
            yield return new Case($"header: {name}", header, "application/json", Good);
        }

        // Bodies that are not JSON, or not a delivery.
        foreach (var (name, body) in new[]
        {
            ("empty", ""), ("whitespace", "  \n "), ("null", "null"), ("number", "42"), ("string", "\"post_call_transcription\""),
            ("array", "[{\"type\":\"post_call_transcription\"}]"), ("truncated", Encoding.UTF8.GetString(Good).TrimEnd()[..^1]),
            ("trailing garbage", Encoding.UTF8.GetString(Good) + "x"), ("two documents", "{}{}"), ("single quotes", "{'type':'x'}"),
            ("trailing comma", "{\"type\":\"post_call_transcription\",}"), ("comment", "{/*c*/\"type\":\"x\"}"), ("NaN", "{\"a\":NaN}"),
            ("leading zero", "{\"a\":01}"), ("bare word", "{\"a\":yes}"), ("bad escape", "{\"a\":\"\\q\"}"), ("raw newline in string", "{\"a\":\"x\ny\"}"),
            ("unclosed string", "{\"a\":\"x}"), ("deep nesting", new string('[', 200) + new string(']', 200)),
            ("deep object", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100)),
            ("nul byte", "{\"type\":\"post_call_transcription\"\0}"), ("xml", "<type>post_call_transcription</type>"),
            ("form encoded", "type=post_call_transcription&conversation_id=abc"), ("no type", "{\"data\":{\"conversation_id\":\"abc\"}}"),
            ("type not a safe name", Envelope("post-call/video", "{\"conversation_id\":\"abc\"}")),
            ("type names a known kind", Envelope("transcription", "{\"conversation_id\":\"abc\"}")),
            ("new type without an id", Envelope("post_call_video", "{\"agent_id\":\"abc\"}")), ("type is number", "{\"type\":1,\"data\":{\"conversation_id\":\"abc\"}}"),
            ("type is null", "{\"type\":null,\"data\":{\"conversation_id\":\"abc\"}}"), ("type wrong case", Envelope("POST_CALL_TRANSCRIPTION", "{\"conversation_id\":\"abc\"}")),
            ("data is array", "{\"type\":\"post_call_transcription\",\"data\":[]}"), ("data is string", "{\"type\":\"post_call_transcription\",\"data\":\"abc\"}"),
            ("missing data", "{\"type\":\"post_call_transcription\"}"), ("flat without kind", "{\"conversation_id\":\"abc\",\"status\":\"done\"}"),
            ("audio without full_audio", Envelope("post_call_audio", "{\"conversation_id\":\"abc\"}")),
            ("audio null", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":null}")),
            ("audio number", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":7}")),
            ("audio object", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":{}}")),
            ("audio empty", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":\"\"}")),
            ("audio not base64", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":\"%%%%\"}")),
            ("audio url-safe alphabet", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":\"-_-_\"}")),
            ("audio bad padding", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":\"QQ=\"}")),
            ("audio data after padding", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":\"QQ==QUJD\"}")),
            ("audio non-ascii escape", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":\"\\u00c9QUJ\"}")),
            ("audio twice", Envelope("post_call_audio", "{\"conversation_id\":\"abc\",\"full_audio\":\"QUJD\",\"full_audio\":\"QUJD\"}")),
            ("control character in a key", "{\"ty\u0001pe\":\"post_call_transcription\"}"),
        })
        {
            yield return Signed($"body: {name}", body);
        }

        var invalidUtf8 = Encoding.UTF8.GetBytes(Envelope("post_call_transcription", "{\"conversation_id\":\"abc\",\"x\":\"AB\"}"));
        invalidUtf8[^5] = 0xC3;
        yield return Signed("body: truncated utf-8 sequence", invalidUtf8);
        var bigAudio = Deliveries.Audio("late", new byte[600_000]);
        yield return Signed("body: large audio broken near its end", bigAudio[..^6] + "!!\"}}");
        yield return Signed("body: large audio cut short", bigAudio[..^3]);

        // Conversation ids that must never become paths.
        foreach (var id in new[]
        {
            "..", ".", "../../etc", "a/../../b", "/abs", "a/b", "a\\\\b", ".postcall", "-x", "_x", "a b", "a\\u0000b", "%2e%2e", "~root",
            "con:", "a*", new string('a', 129), "é", "a\\nb", "",
        })
        {
            yield return Signed($"id: {id[..Math.Min(id.Length, 20)]}", Envelope("post_call_transcription", $"{{\"conversation_id\":\"{id}\"}}"));
        }

        yield return Signed("id: number", Envelope("post_call_failure", "{\"conversation_id\":12}"));
        yield return Signed("id: flat traversal", "{\"conversation_id\":\"../x\",\"transcript\":[]}");

        // Content types.
        foreach (var type in new[] { "text/plain", "text/html", "application/xml", "application/x-www-form-urlencoded", "audio/mpeg", "application/octet-stream", "image/png", "multipart/mixed; boundary=x", "application/jsonx", "garbage;;;", "multipart/form-data" })
        {
            yield return Signed($"content type: {type}", Good, type);
        }

        // Multipart forms.
        foreach (var (name, form) in new[]
        {
            ("no parts", "--b--\r\n"), ("no end", "--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a\"\r\n\r\nID3"),
            ("no id", "--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a\"\r\n\r\nID3\r\n--b--\r\n"),
            ("no audio", "--b\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\nabc\r\n--b--\r\n"),
            ("empty audio", "--b\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\nabc\r\n--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a\"\r\n\r\n\r\n--b--\r\n"),
            ("traversal id", "--b\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\n../../x\r\n--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a\"\r\n\r\nID3\r\n--b--\r\n"),
            ("huge id", $"--b\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\n{new string('a', 5000)}\r\n--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a\"\r\n\r\nID3\r\n--b--\r\n"),
            ("no headers", "--b\r\n\r\nID3\r\n--b--\r\n"), ("garbage", "this is not multipart at all"),
            ("huge part header", $"--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"{new string('a', 20_000)}\"\r\n\r\nID3\r\n--b--\r\n"),
        })
        {
            yield return Signed($"multipart: {name}", form, "multipart/form-data; boundary=b");
        }

        // The other endpoints.
        foreach (var (path, body) in new[]
        {
            ("/webhook", ""), ("/webhook", "{"), ("/webhook", "[]"), ("/webhook", "{\"event_type\":null}"), ("/webhook", "{\"event_type\":\"x\",\"timestamp\":true}"),
            ("/webhook", "{\"event_type\":\"x\",\"timestamp\":-100000000000}"), ("/echo", "{\"event_type\":\"x\",\"timestamp\":1e400}"),
            ("/echo", ""), ("/echo", "{\"user_id\":5,\"event_type\":\"x\"}"), ("/echo", "{\"event_type\":{}}"), ("/echo", new string('[', 100)),
        })
        {
            yield return new Case($"{path}: {body[..Math.Min(body.Length, 20)]}", null, "application/json", Encoding.UTF8.GetBytes(body), path);
        }
    }
}
