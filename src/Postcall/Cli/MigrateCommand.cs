using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Postcall.Hosting;
using Postcall.Index;
using Postcall.Storage;
using Postcall.Storage.Files;

namespace Postcall.Cli;

/// <summary>
/// <c>postcall migrate --to-shared</c>: copies a payload folder into the object store and records every payload in
/// PostgreSQL, as deliveries would have. Idempotent: what is already there (same bytes, by SHA-256) is not sent
/// again, so an interrupted run is simply run again.
/// </summary>
internal static class MigrateCommand
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    public static Command Create(CliEnvironment environment)
    {
        var toShared = new Option<bool>("--to-shared") { Description = $"Copy into {PostcallSettings.StorageUrlVariable} and index in {PostcallSettings.DatabaseUrlVariable} (required)." };
        var from = new Option<string?>("--from") { Description = $"The payload folder to copy (default: {PostcallSettings.PayloadPathVariable}, else {PostcallSettings.DefaultPayloadPath})." };
        var command = new Command("migrate", "Move stored calls from one machine's folder to shared engines (S3-compatible storage and PostgreSQL). Safe to run again.")
        {
            toShared, from,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(toShared))
            {
                throw new CliException("Say where to: postcall migrate --to-shared.");
            }

            await using var services = CliServices.Build(environment);
            var settings = services.Settings();
            if (settings.StorageUrl is null || settings.DatabaseUrl is null)
            {
                throw new CliException($"Set both {PostcallSettings.StorageUrlVariable} and {PostcallSettings.DatabaseUrlVariable} (environment or .env) to migrate to shared engines.");
            }

            using var source = new FilePayloadStore(result.GetValue(from) ?? settings.PayloadPath);
            if (!Directory.Exists(source.Root))
            {
                throw new CliException($"No payload folder at {source.Root}.");
            }

            try
            {
                // The folder's own lock: a service still storing into it would make the copy incomplete.
                source.Initialize();
            }
            catch (RootInUseException e)
            {
                throw new CliException(e.Message + " Stop it before migrating.");
            }

            var target = services.GetRequiredService<IPayloadStore>();
            var index = services.GetRequiredService<IConversationIndex>();
            var run = new Migration(source, target, index, result.InvocationConfiguration.Output);
            result.InvocationConfiguration.Output.WriteLine($"Copying {source.Root} to {target.Location}, indexing in {index.Location} ...");
            try
            {
                await run.RunAsync(cancellationToken);
            }
            catch (Exception e) when (e is StorageException or IndexUnavailableException)
            {
                run.Summarize();
                throw new CliException($"Stopped: {e.Message} Run the same command again to continue; what is done is kept.");
            }

            run.Summarize();
            if (run.Unreadable.Count == 0)
            {
                return ExitCodes.Ok;
            }

            result.InvocationConfiguration.Error.WriteLine($"Could not read {run.Unreadable.Count} files: {string.Join(", ", run.Unreadable.Take(10))}");
            return ExitCodes.Failure;
        });
        return command;
    }

    private sealed class Migration(FilePayloadStore source, IPayloadStore target, IConversationIndex index, TextWriter output)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastReport;
        private int _total;
        private int _conversations;
        private int _uploaded;
        private int _present;
        private long _bytes;

        public List<string> Unreadable { get; } = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var ids = source.Conversations().ToList();
            _total = ids.Count;
            foreach (var id in ids)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var payload in source.PayloadFiles(id))
                {
                    await CopyAsync(id, payload, cancellationToken);
                }

                _conversations++;
                if (_clock.Elapsed - _lastReport >= ProgressEvery)
                {
                    _lastReport = _clock.Elapsed;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {_conversations}/{_total} conversations, {_uploaded} files uploaded ({_bytes / (1024.0 * 1024):F1} MB), {_present} already there"));
                }
            }
        }

        private async Task CopyAsync(ConversationId id, PayloadObject payload, CancellationToken cancellationToken)
        {
            var path = source.PathFor(id, payload.Kind);
            PayloadFacts.Transcription? call;
            PayloadFacts.Failure? failed;
            try
            {
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
                (call, failed) = await PayloadFacts.ReadAsync(payload.Kind, file, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Unreadable.Add(payload.Kind.FileName(id));
                return;
            }

            var stored = await target.ImportAsync(path, id, payload.Kind, cancellationToken);
            if (stored.Duplicate)
            {
                _present++;
            }
            else
            {
                _uploaded++;
                _bytes += stored.Size;
            }

            await index.RecordAsync(id, new PayloadRecord(stored.Payload, call, failed), cancellationToken);
        }

        public void Summarize() => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Migrated {_conversations} of {_total} conversations in {_clock.Elapsed.TotalSeconds:F1} s: {_uploaded} files uploaded ({_bytes / (1024.0 * 1024):F1} MB), {_present} already in the bucket, {Unreadable.Count} unreadable; all {_conversations} indexed."));
    }
}
