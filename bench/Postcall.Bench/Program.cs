using Postcall.Bench;

// Each mode prints "key=value" lines that bench/run reads into its table.
return args.FirstOrDefault() switch
{
    "disk-probe" => DiskProbe.Run(Arg(args, "--dir"), int.Parse(Arg(args, "--writers"), System.Globalization.CultureInfo.InvariantCulture), double.Parse(Arg(args, "--seconds"), System.Globalization.CultureInfo.InvariantCulture)),
    "requests" => await IngestRequests.WriteAsync(Arg(args, "--out"), int.Parse(Arg(args, "--count"), System.Globalization.CultureInfo.InvariantCulture), Arg(args, "--secret")),
    "audio" => await AudioRun.RunAsync(new Uri(Arg(args, "--url")), int.Parse(Arg(args, "--mb"), System.Globalization.CultureInfo.InvariantCulture), Arg(args, "--secret"), int.Parse(Arg(args, "--pid"), System.Globalization.CultureInfo.InvariantCulture), Arg(args, "--work")),
    "anchor" => await AnchorRun.RunAsync(int.Parse(Arg(args, "--port"), System.Globalization.CultureInfo.InvariantCulture), Arg(args, "--secret"), Arg(args, "--dir")),
    "receiver" => await ReceiverRun.RunAsync(int.Parse(Arg(args, "--port"), System.Globalization.CultureInfo.InvariantCulture)),
    "embedded" => await EmbeddedRun.RunAsync(int.Parse(Arg(args, "--port"), System.Globalization.CultureInfo.InvariantCulture), Arg(args, "--secret"), Arg(args, "--dir"), Arg(args, "--handler") == "no-op"),
    "conversations-api" => await ConversationsApiRun.RunAsync(int.Parse(Arg(args, "--port"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Arg(args, "--calls"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Arg(args, "--latency-ms"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Arg(args, "--audio-kb"), System.Globalization.CultureInfo.InvariantCulture)),
    "startup" => await StartupRun.RunAsync(Arg(args, "--service"), int.Parse(Arg(args, "--runs"), System.Globalization.CultureInfo.InvariantCulture), Arg(args, "--work")),
    _ => Usage(),
};

static string Arg(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"missing {name}");
}

static int Usage()
{
    Console.Error.WriteLine("usage: postcall-bench disk-probe|requests|audio|anchor|receiver|embedded|conversations-api|startup [options]; see bench/run");
    return 2;
}
