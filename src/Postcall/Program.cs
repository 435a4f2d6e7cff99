using Postcall.Hosting;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPostcall();
    var app = builder.Build();
    app.MapPostcall();
    await app.RunAsync();
    return 0;
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}

public partial class Program;
