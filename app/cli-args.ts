/** The value after `--name` (or `--name=value`) on the command line, if given. */
export function argValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** Ends a maintenance command: one line on stderr and exit code 1. */
export function fail(command: string, line: string): never {
  process.stderr.write(`${command}: ${line}\n`);
  process.exit(1);
}
