namespace Postcall.Forwarding;

internal sealed record ForwardList(IReadOnlyList<ForwardView> Forwards);
