namespace Postcall.Forwarding;

internal enum DestinationSource
{
    /// <summary>Made through the API: its address must be public unless private ones are allowed.</summary>
    Api,

    /// <summary>Listed in <c>POSTCALL_FORWARD_URLS</c> by the operator.</summary>
    Environment,

    /// <summary>Was listed in <c>POSTCALL_FORWARD_URLS</c> and no longer is: paused, kept with its forwards until deleted.</summary>
    RemovedFromEnvironment,

    /// <summary>A <see cref="Handlers.PostCallHandler"/> registered in code: called in process, not sent over HTTP.</summary>
    Handler,
}
