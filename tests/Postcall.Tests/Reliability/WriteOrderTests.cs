using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

/// <summary>
/// The power-loss argument (docs/architecture.md, "Why a 200 survives a power cut") checked on the real system calls:
/// the service runs under strace while deliveries arrive at once (new, duplicate, replacing, small and large), and
/// for every 200 it sent the trace must show, in this order: the payload's bytes written to its temp file, a flush
/// of them (a <c>syncfs</c>, or an <c>fsync</c> of that file) begun after the last write and finished before the
/// rename; the rename onto the payload's name; a flush of the rename (a <c>syncfs</c>, or <c>fsync</c>s of the
/// conversation folder and the root) begun after it and finished before the 200 left. A duplicate's 200 is held to the rename of the copy it matched. Flushes must also be shared.
/// </summary>
[Trait("Needs", "strace")]
public sealed partial class WriteOrderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_200_follows_a_flush_of_its_bytes_then_its_rename_then_a_flush_of_the_rename()
    {
        var (answers, duplicates) = (0, 0);
        using var service = await StracedService.StartAsync("-f", "-ttt", "-T", "-s", "2000",
            "-e", "trace=openat,close,write,pwrite64,writev,fsync,fdatasync,syncfs,rename,renameat,renameat2,sendto,sendmsg");
        var root = service.Root;
        var random = new Random(7);
        var bodies = Enumerable.Range(0, 48).Select(i => Transcription($"order-{i}", random)).ToList();
        var large = new byte[1536 * 1024];
        random.NextBytes(large);
        List<byte[]> firstWave =
        [
            .. bodies,
            .. bodies.Take(8),                                    // duplicates racing their originals
            .. Enumerable.Range(0, 6).Select(i => Transcription($"order-{i}", random)), // replacements
            Encoding.UTF8.GetBytes(Deliveries.Audio("order-audio-small", [.. large.Take(40_000)])),
            Encoding.UTF8.GetBytes(Deliveries.Audio("order-audio-large", large)),  // flushes its own bytes
        ];
        List<byte[]> secondWave = [.. bodies.Skip(20).Take(8)];  // duplicates of what is stored by now

        foreach (var wave in new[] { firstWave, secondWave })
        {
            var results = await Task.WhenAll(wave.Select(async body =>
            {
                using var response = await service.Client.SendAsync(Deliveries.SignedRequest(body), TestContext.Current.CancellationToken);
                var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
                return text.Contains("\"duplicate\":true", StringComparison.Ordinal);
            }));
            answers += results.Length;
            duplicates += results.Count(d => d);
        }

        service.Stop();
        var events = Parse(await File.ReadAllLinesAsync(service.TracePath, TestContext.Current.CancellationToken));
        output.WriteLine($"{answers} answers ({duplicates} duplicates), {events.Responses.Count} 200s in the trace, "
            + $"{events.Syncs.Count} syncfs, {events.Renames.Count} renames");
        Assert.True(duplicates > 0, "no duplicate was answered; the duplicate rule went unchecked");
        Assert.Equal(answers, events.Responses.Count);

        foreach (var response in events.Responses)
        {
            // The renames that could back this 200: onto its name, finished before it went out. Its own is among
            // them; a duplicate's is the copy it matched; a delivery raced by a replacement may see the other's too.
            var renames = events.Renames.Where(r => r.Target.EndsWith("/" + response.FileName, StringComparison.Ordinal) && r.End < response.Start).ToList();
            Assert.True(renames.Count > 0, $"a 200 for {response.FileName} went out before any rename onto that name");

            Assert.True(renames.Any(rename => NameFlushed(events, rename, response, root)),
                $"the 200 for {response.FileName} went out before a flush that began after its rename had finished");

            Assert.True(renames.Any(rename => BytesFlushed(events, rename) && NameFlushed(events, rename, response, root)),
                $"{response.FileName}: no rename onto it had both its bytes flushed before it and itself flushed before the 200 at {response.Start:F6}: "
                + string.Join("; ", renames.Select(r => $"{r.Source} renamed {r.Start:F6}, last written "
                    + (events.LastWrite.TryGetValue(r.Source, out var w) ? w.ToString("F6", CultureInfo.InvariantCulture) : "never seen")
                    + $", bytes flushed {BytesFlushed(events, r)}, name flushed {NameFlushed(events, r, response, root)}")));
        }

        // Group commit: without it, each delivery would flush on its own.
        Assert.True(events.Syncs.Count < answers, $"{events.Syncs.Count} syncfs calls for {answers} deliveries: flushes were not shared");
        Assert.True(events.FileFlushes.Keys.Any(path => path.Contains("/.postcall/tmp/", StringComparison.Ordinal)),
            "the large recording did not flush its own bytes");
    }

    /// <summary>A flush of the temp file's bytes began after its last write and ended before the rename.</summary>
    private static bool BytesFlushed(Events events, Rename rename) =>
        events.LastWrite.TryGetValue(rename.Source, out var written)
        && events.Syncs.Concat(events.FileFlushes.GetValueOrDefault(rename.Source) ?? []).Any(f => f.Start > written && f.End < rename.Start);

    /// <summary>
    /// A flush of the rename began after it and ended before the answer: a syncfs, or (a large file) an fsync of the
    /// conversation folder and then of the root.
    /// </summary>
    private static bool NameFlushed(Events events, Rename rename, Answer response, string root)
    {
        bool Within(Span f) => f.Start > rename.End && f.End < response.Start;
        var folder = Path.GetDirectoryName(rename.Target)!;
        return events.Syncs.Any(Within)
            || ((events.FileFlushes.GetValueOrDefault(folder) ?? []).Any(Within) && (events.FileFlushes.GetValueOrDefault(root) ?? []).Any(Within));
    }

    private static byte[] Transcription(string conversationId, Random random) => Encoding.UTF8.GetBytes(
        Deliveries.Transcription(conversationId).Replace("Hello", $"Hello {random.Next()} {new string('x', random.Next(100, 3000))}", StringComparison.Ordinal));

    private sealed record Span(double Start, double End);

    private sealed record Rename(string Source, string Target, double Start, double End);

    private sealed record Answer(string FileName, double Start);

    private sealed class Events
    {
        public List<Span> Syncs { get; } = [];

        public List<Rename> Renames { get; } = [];

        public List<Answer> Responses { get; } = [];

        /// <summary>When each temp file was last written to (the end of the call).</summary>
        public Dictionary<string, double> LastWrite { get; } = new(StringComparer.Ordinal);

        /// <summary>fsync/fdatasync calls on each file or folder, by path.</summary>
        public Dictionary<string, List<Span>> FileFlushes { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// Reads strace's <c>-f -ttt -T</c> output, each call "name(args) = result &lt;seconds&gt;" (<see cref="StraceCall"/>
    /// puts split ones back together). Calls are in the order things happened, so file descriptors are followed from
    /// openat to close.
    /// </summary>
    private static Events Parse(IEnumerable<string> lines)
    {
        var events = new Events();
        var temps = new Dictionary<int, string>(); // open descriptors and what they name
        // The kernel frees a descriptor as its close begins: another thread's openat may get the same number and be
        // reported before this close's end, so a split close forgets its descriptor at its first half.
        void Begun(string head)
        {
            if (ClosingFd().Match(head) is { Success: true } closing)
            {
                temps.Remove(int.Parse(closing.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        foreach (var (_, start, text, wasSplit) in StraceCall.Read(lines, Begun))
        {
            if (Completed().Match(text) is not { Success: true } call)
            {
                continue;
            }

            var (name, args, result) = (call.Groups[1].Value, call.Groups[2].Value, call.Groups[3].Value);
            var end = start + double.Parse(call.Groups[4].Value, CultureInfo.InvariantCulture);
            var fd = FirstNumber().Match(args) is { Success: true } n ? int.Parse(n.Value, CultureInfo.InvariantCulture) : -1;
            switch (name)
            {
                case "openat" when int.TryParse(result, CultureInfo.InvariantCulture, out var opened) && opened >= 0:
                    temps[opened] = Quoted().Match(args).Groups[1].Value; // a temp file, or a folder to fsync
                    break;
                case "close" when !wasSplit:
                    temps.Remove(fd);
                    break;
                case "write" or "pwrite64" or "writev" when temps.TryGetValue(fd, out var written):
                    events.LastWrite[written] = end;
                    break;
                case "write" or "sendto" or "sendmsg" or "writev" when args.Contains("HTTP/1.1 200 OK", StringComparison.Ordinal):
                    if (PayloadPath().Match(args) is { Success: true } path)
                    {
                        events.Responses.Add(new Answer(Path.GetFileName(path.Groups[1].Value), start));
                    }

                    break;
                case "fsync" or "fdatasync" when temps.TryGetValue(fd, out var flushed):
                    events.FileFlushes.TryAdd(flushed, []);
                    events.FileFlushes[flushed].Add(new Span(start, end));
                    break;
                case "syncfs" when result == "0":
                    events.Syncs.Add(new Span(start, end));
                    break;
                case "rename" or "renameat" or "renameat2" when result == "0":
                    var names = Quoted().Matches(args);
                    events.Renames.Add(new Rename(names[0].Groups[1].Value, names[1].Groups[1].Value, start, end));
                    break;
            }
        }

        return events;
    }

    [GeneratedRegex(@"^(\w+)\((.*)\)\s+=\s+(\S+).*<(\d+\.\d+)>$")]
    private static partial Regex Completed();

    [GeneratedRegex(@"^\d+")]
    private static partial Regex FirstNumber();

    [GeneratedRegex(@"^close\((\d+)")]
    private static partial Regex ClosingFd();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex Quoted();

    /// <summary>The stored file's path in the answer (JSON inside strace's quoting: <c>\"file_path\":\"…\"</c>).</summary>
    [GeneratedRegex(@"\\""file_path\\"":\\""([^""\\]*)\\""")]
    private static partial Regex PayloadPath();
}
