using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Postcall.Hosting;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Cli;

/// <summary><c>postcall reindex</c>: rebuilds the conversation index from the payload files, which stay the source of truth.</summary>
internal static class ReindexCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var path = new Option<string?>("--path") { Description = $"Storage root (default: {PostcallSettings.PayloadPathVariable}, else {PostcallSettings.DefaultPayloadPath})." };
        var command = new Command("reindex", "Rebuild the conversation index from the stored files. Safe while the service runs.") { path };
        command.SetAction((result, cancellationToken) =>
        {
            var root = result.GetValue(path) ?? environment.Get(PostcallSettings.PayloadPathVariable) ?? PostcallSettings.DefaultPayloadPath;
            var store = new PayloadStore(root);
            if (!Directory.Exists(store.Root))
            {
                throw new CliException($"No storage root at {store.Root}.");
            }

            var started = Stopwatch.GetTimestamp();
            var index = new ConversationIndex(Path.Combine(store.StateDirectory, ConversationIndex.FileName));
            var (opening, reason) = index.Open();
            var output = result.InvocationConfiguration.Output;
            if (opening == IndexOpening.Rebuilt)
            {
                output.WriteLine($"The index was unusable ({reason}); made a new one.");
            }

            var report = IndexRebuild.Run(index, store, everything: true, cancellationToken);
            index.Close();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Indexed {report.Refreshed} conversations from {store.Root} ({report.Removed} stale entries removed) in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s."));
            if (report.Unreadable.Count == 0)
            {
                return Task.FromResult(ExitCodes.Ok);
            }

            result.InvocationConfiguration.Error.WriteLine($"Could not read {report.Unreadable.Count} conversations: {string.Join(", ", report.Unreadable.Take(10))}");
            return Task.FromResult(ExitCodes.Failure);
        });
        return command;
    }
}
