using System.Text;

namespace SecureContainers.Cli;

/// <summary>Reads a secret from the terminal without echo. Nothing here is logged or kept beyond the returned string.</summary>
internal static class TerminalSecret
{
    public static string? Read(string prompt)
    {
        if (System.Console.IsInputRedirected || System.Console.IsErrorRedirected)
        {
            return null;
        }

        System.Console.Error.Write(prompt);
        StringBuilder secret = new();
        while (true)
        {
            ConsoleKeyInfo key = System.Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                System.Console.Error.WriteLine();
                return secret.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }
    }
}
