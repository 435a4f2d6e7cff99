using System.Diagnostics;

namespace Postcall.Bench;

/// <summary>Process start to the first 200 on /health, and resident memory once idle; the median of several runs.</summary>
internal static class StartupRun
{
    public static async Task<int> RunAsync(string serviceDll, int runs, string workDirectory)
    {
        serviceDll = Path.GetFullPath(serviceDll);
        var startups = new List<double>();
        var idle = new List<long>();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var run = 0; run < runs; run++)
        {
            var port = 18000 + Random.Shared.Next(2000);
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(serviceDll);
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add($"http://127.0.0.1:{port}");
            info.Environment["ELEVENLABS_POST_CALL_HMAC_KEY"] = "wsec_bench";
            info.Environment["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = Path.Combine(workDirectory, "startup-payloads");
            info.Environment["LOG_LEVEL"] = "WARNING";
            var started = Stopwatch.GetTimestamp();
            using var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the service exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
                }

                try
                {
                    using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(2);
            }

            startups.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await Task.Delay(TimeSpan.FromSeconds(2));
            idle.Add(ProcStatus.KiloBytes(process.Id, "VmRSS"));
            process.Kill();
            await process.WaitForExitAsync();
        }

        Console.WriteLine(FormattableString.Invariant($"startup_ms={startups.Order().ElementAt(startups.Count / 2):0}"));
        Console.WriteLine(FormattableString.Invariant($"idle_rss_mb={idle.Order().ElementAt(idle.Count / 2) / 1024.0:0.0}"));
        return 0;
    }
}
