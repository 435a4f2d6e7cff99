using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Postcall.Hosting;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Cli;

/// <summary>
/// <c>postcall reindex</c>: rebuilds the conversation index from the stored payloads, which stay the source of truth:
/// the SQLite file beside them, or the shared PostgreSQL index (one instance at a time, under its lease).
/// </summary>
internal static class ReindexCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var path = new Option<string?>("--path") { Description = $"Storage root (default: {PostcallSettings.PayloadPathVariable}, else {PostcallSettings.DefaultPayloadPath})." };
        var command = new Command("reindex", "Rebuild the conversation index from the stored payloads. Safe while the service runs.") { path };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = result.GetValue(path) is { } root
                ? new Dictionary<string, string?> { [PostcallSettings.PayloadPathVariable] = root }
                : null;
            await using var services = CliServices.Build(environment, overrides);
            var settings = services.Settings();
            if (settings.StorageUrl is null && !Directory.Exists(settings.PayloadPath))
            {
                throw new CliException($"No storage root at {Path.GetFullPath(settings.PayloadPath)}.");
            }

            var store = services.GetRequiredService<IPayloadStore>();
            var started = Stopwatch.GetTimestamp();
            IndexRebuildResult rebuilt;
            try
            {
                rebuilt = await services.GetRequiredService<IIndexRebuilder>().RebuildEverythingAsync(cancellationToken);
            }
            catch (Exception e) when (e is IndexUnavailableException or StorageException)
            {
                throw new CliException(e.Message);
            }

            var (report, location, replaced) = rebuilt;
            var output = result.InvocationConfiguration.Output;
            if (replaced is not null)
            {
                output.WriteLine($"The index was unusable ({replaced}); made a new one.");
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Indexed {report.Refreshed} conversations from {store.Location} into {location} ({report.Removed} stale entries removed) in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s."));
            if (report.Unreadable.Count == 0)
            {
                return ExitCodes.Ok;
            }

            result.InvocationConfiguration.Error.WriteLine($"Could not read {report.Unreadable.Count} conversations: {string.Join(", ", report.Unreadable.Take(10))}");
            return ExitCodes.Failure;
        });
        return command;
    }
}
