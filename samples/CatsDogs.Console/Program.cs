using CatsDogs.Console;

return await Cli.Create().Parse(args).InvokeAsync();
