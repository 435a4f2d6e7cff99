namespace Postcall.Forwarding;

internal static class ForwardStatuses
{
    public static string Name(ForwardStatus status) => status switch
    {
        ForwardStatus.Delivered => "delivered",
        ForwardStatus.Dead => "dead",
        _ => "pending",
    };

    public static bool TryParse(string? name, out ForwardStatus status)
    {
        status = name switch
        {
            "pending" => ForwardStatus.Pending,
            "delivered" => ForwardStatus.Delivered,
            "dead" => ForwardStatus.Dead,
            _ => (ForwardStatus)(-1),
        };
        return Enum.IsDefined(status);
    }
}
