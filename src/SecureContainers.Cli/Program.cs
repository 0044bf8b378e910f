using SecureContainers.Cli;

return await CliApp.RunAsync(args, CliContext.Console());
