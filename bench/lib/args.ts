/** `--name value` and `--flag` options with defaults; unknown options are an error, not silently ignored. */
export function parseArgs<T extends Record<string, string | number | boolean>>(
  argv: string[],
  defaults: T,
  usage: string,
): T {
  const out: Record<string, string | number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const key = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--/, '');
    if (!arg.startsWith('--') || !(key in defaults)) throw new Error(`unknown option ${arg}\n${usage}`);
    const kind = typeof defaults[key];
    if (kind === 'boolean') {
      out[key] = eq >= 0 ? arg.slice(eq + 1) !== 'false' : true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[(i += 1)];
    if (raw === undefined) throw new Error(`${arg} needs a value`);
    if (kind === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${arg} must be a number, got ${raw}`);
      out[key] = n;
    } else {
      out[key] = raw;
    }
  }
  return out as T;
}

/** The options that differ from the defaults, as a command line that reproduces the run. */
export function reproduceCommand(script: string, args: Record<string, string | number | boolean>): string {
  const parts = [`npx tsx ${script}`];
  for (const [k, v] of Object.entries(args)) {
    // An empty option (no profile folder asked for) is left out rather than printed as "--k ".
    if (v === '') continue;
    parts.push(typeof v === 'boolean' ? (v ? `--${k}` : `--${k}=false`) : `--${k} ${v}`);
  }
  return parts.join(' ');
}
