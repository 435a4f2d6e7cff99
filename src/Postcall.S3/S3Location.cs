using System.Text.RegularExpressions;

namespace Postcall.Storage.S3;

/// <summary><c>POSTCALL_STORAGE_URL</c>: <c>s3://bucket</c> or <c>s3://bucket/prefix</c>. Pure.</summary>
internal sealed partial record S3Location(string Bucket, string Prefix)
{
    /// <summary>The key of <paramref name="name"/> under the prefix: <c>prefix/name</c>, or <c>name</c> without one.</summary>
    public string Key(string name) => Prefix.Length == 0 ? name : $"{Prefix}/{name}";

    /// <summary>What every key under the prefix starts with.</summary>
    public string KeyPrefix => Prefix.Length == 0 ? string.Empty : Prefix + "/";

    public override string ToString() => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    public static bool TryParse(string? value, out S3Location location, out string? problem)
    {
        location = new S3Location(string.Empty, string.Empty);
        problem = null;
        const string scheme = "s3://";
        if (value is null || !value.Trim().StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            problem = "must look like s3://bucket or s3://bucket/prefix";
            return false;
        }

        var rest = value.Trim()[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/');
        if (!BucketName().IsMatch(bucket))
        {
            problem = $"names the bucket '{bucket}', which is not a valid bucket name (3 to 63 of a-z, 0-9, '.', '-')";
            return false;
        }

        if (prefix.Length > 512 || !PrefixText().IsMatch(prefix) || (prefix.Length > 0 && prefix.Split('/').Any(s => s is "" or "." or "..")))
        {
            problem = "has a prefix that is not plain path segments of letters, digits, '.', '_' and '-'";
            return false;
        }

        location = new S3Location(bucket, prefix);
        return true;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[A-Za-z0-9._/-]*$")]
    private static partial Regex PrefixText();
}
