# Each ```csharp block of the given markdown files becomes Snippet<N>.cs in dir: its using directives on top, the rest
# as the body of ReadmeCode.Snippets.Snippet<N>(), with a #line directive so that errors name the README line.
/^```csharp$/ { n++; body = ""; usings = ""; start = FNR + 1; inside = 1; next }
inside && /^```$/ {
  file = dir "/Snippet" n ".cs"
  printf "%s", usings > file
  printf "namespace ReadmeCode;\n\ninternal static partial class Snippets\n{\n" > file
  printf "    internal static async Task Snippet%d()\n    {\n#line %d \"%s\"\n%s#line default\n    }\n}\n", n, start, FILENAME, body > file
  close(file); inside = 0; next
}
inside && /^using [A-Za-z0-9_.]+;/ { usings = usings $0 "\n"; body = body "\n"; next }
inside { body = body $0 "\n" }
