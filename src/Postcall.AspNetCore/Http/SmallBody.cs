namespace Postcall.Http;

/// <summary>The body of a request that carries a few fields of JSON, read whole but never past a bound.</summary>
internal static class SmallBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>The body, or null when it is larger than <see cref="MaxBytes"/> (what was read is dropped).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentLength > MaxBytes)
        {
            return null;
        }

        using var body = new MemoryStream();
        var buffer = new byte[8 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBytes)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }
}
