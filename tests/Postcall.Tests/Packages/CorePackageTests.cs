using Postcall.ElevenLabs;

namespace Postcall.Tests.Packages;

/// <summary>The Postcall.ElevenLabs package is the framework-free core: any .NET app, or none, can verify with it.</summary>
public sealed class CorePackageTests
{
    [Fact]
    public void The_core_references_no_web_framework_and_no_storage_engine()
    {
        var references = typeof(SignatureVerifier).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Equal("Postcall.ElevenLabs", typeof(SignatureVerifier).Assembly.GetName().Name);
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || r.StartsWith("Microsoft.Extensions", StringComparison.Ordinal) || r.StartsWith("Npgsql", StringComparison.Ordinal)
            || r.StartsWith("AWSSDK", StringComparison.Ordinal) || r.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal));
    }

    [Fact]
    public void The_aspnetcore_package_references_neither_engines_sdk()
    {
        var references = typeof(Postcall.PostcallOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Postcall.ElevenLabs", references);
        Assert.DoesNotContain(references, r => r.StartsWith("Npgsql", StringComparison.Ordinal) || r.StartsWith("AWSSDK", StringComparison.Ordinal));
    }
}
