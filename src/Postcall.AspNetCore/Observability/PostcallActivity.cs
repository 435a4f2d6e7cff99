using System.Diagnostics;

namespace Postcall.Observability;

/// <summary>The source of Postcall's spans; a host that exports traces listens to <see cref="Name"/>.</summary>
internal static class PostcallActivity
{
    public const string Name = "Postcall";

    public static readonly ActivitySource Source = new(Name);
}
