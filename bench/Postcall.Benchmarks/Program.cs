using BenchmarkDotNet.Running;
using Postcall.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(SignatureVerifierBenchmarks).Assembly).Run(args);
