// Mutation testing with Stryker, one folder at a time (stryker.config.mjs), then each folder's score.
//
//   npm run mutation                      # src/domain, src/bot, src/messaging, src/store/repositories
//   npm run mutation -- domain messaging  # only these
//   npm run mutation -- rules             # the rules tests.md found unguarded, across the four (an hour)
//   npm run mutation -- --sample 60       # 60 lines drawn at random from each folder (seed 1): an estimate
//   npm run mutation -- --sample 60 --seed 2 bot
//
// A whole folder holds 1,600 to 2,700 mutants and a mutant takes about 12 s here (its covering tests
// start hubs), so the four folders take some 30 hours on two cores. A sample of lines gives each
// folder's score with its margin in about an hour for all four: every mutant on a drawn line is
// tested, and the interval printed allows for a line's mutants standing or falling together.
//
// Each run keeps its own incremental file (stryker/<name>.incremental.json, committed): a later run
// re-tests only the mutants whose code or covering tests changed. Reports: reports/mutation/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../bench/lib/line-webhook';

const FOLDERS: Record<string, string> = {
  domain: 'src/domain',
  bot: 'src/bot',
  messaging: 'src/messaging',
  repositories: 'src/store/repositories',
};
const NAMES = Object.keys(FOLDERS);
const KNOWN = [...NAMES, 'rules'];
const USAGE = `usage: npm run mutation [-- [--sample LINES [--seed N]] ${KNOWN.join(' ')}]`;

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

/** Stryker's score: detected (killed or timed out) over detected and undetected (survived, no coverage). */
export function score(report: Report): {
  detected: number;
  undetected: number;
  percent: number;
  /** 95% interval over lines as clusters (a line's mutants are drawn together), in percent. */
  interval: [number, number];
  survivors: string[];
} {
  let detected = 0;
  let undetected = 0;
  const byLine = new Map<string, { d: number; n: number }>();
  const survivors: string[] = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      const found = m.status === 'Killed' || m.status === 'Timeout';
      const missed = m.status === 'Survived' || m.status === 'NoCoverage';
      if (!found && !missed) continue;
      if (found) detected++;
      else {
        undetected++;
        survivors.push(
          `${file}:${m.location.start.line} ${m.mutatorName} ${JSON.stringify(m.replacement ?? '')} (${m.status})`,
        );
      }
      const key = `${file}:${m.location.start.line}`;
      const line = byLine.get(key) ?? { d: 0, n: 0 };
      line.n++;
      if (found) line.d++;
      byLine.set(key, line);
    }
  }
  const total = detected + undetected;
  const ratio = total === 0 ? 1 : detected / total;
  // Ratio estimator over k clusters: var = sum((d_i - r n_i)^2) / (k (k - 1) nbar^2).
  const lines = [...byLine.values()];
  const k = lines.length;
  let spread = 0;
  if (k > 1) {
    const nbar = total / k;
    const ss = lines.reduce((acc, l) => acc + (l.d - ratio * l.n) ** 2, 0);
    spread = 1.96 * Math.sqrt(ss / (k * (k - 1) * nbar * nbar));
  }
  const clamp = (x: number) => Math.min(100, Math.max(0, 100 * x));
  return {
    detected,
    undetected,
    percent: 100 * ratio,
    interval: [clamp(ratio - spread), clamp(ratio + spread)],
    survivors,
  };
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => f.endsWith('.ts'))
    .sort();
}

/** `count` lines of code drawn from the folder (not blank, comment or import lines), as `file:n-n`. */
export function sampleLines(dir: string, count: number, seed: number): string[] {
  const candidates: string[] = [];
  for (const file of filesUnder(dir)) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const t = text.trim();
        if (t === '' || /^(\/\/|\/\*|\*|import\b|export\s+(type|interface)\b)/.test(t)) return;
        candidates.push(`${file}:${i + 1}-${i + 1}`);
      });
  }
  const random = seededRandom(seed);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  return candidates.slice(0, count).sort();
}

function main(): number {
  const args = process.argv.slice(2);
  let sample: number | undefined;
  let seed = 1;
  const chosen: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--sample' || a === '--seed') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1) {
        process.stderr.write(`${a} needs a whole number\n${USAGE}\n`);
        return 2;
      }
      if (a === '--sample') sample = n;
      else seed = n;
    } else chosen.push(a);
  }
  const unknown = chosen.filter((n) => !KNOWN.includes(n) || (sample !== undefined && n === 'rules'));
  if (unknown.length > 0) {
    process.stderr.write(`unknown folder ${unknown.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const names = chosen.length > 0 ? chosen : NAMES;
  // A sample is one Stryker run over the lines drawn from every folder: one initial test run (the
  // whole suite with coverage, minutes here) instead of one per folder; scored per folder after.
  const runs =
    sample === undefined
      ? names.map((folder) => ({ name: folder, folders: [folder], mutate: undefined as string[] | undefined }))
      : [
          {
            name: `sample-${sample}-seed${seed}-${names.join('-')}`,
            folders: names,
            mutate: names.flatMap((folder) => sampleLines(FOLDERS[folder]!, sample, seed)),
          },
        ];
  const lines: string[] = [];
  const survivors: string[] = [];
  for (const { name, folders, mutate } of runs) {
    const env: NodeJS.ProcessEnv = { ...process.env, MUTATION_FOLDER: name };
    if (mutate) env.MUTATION_MUTATE = JSON.stringify(mutate);
    const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env });
    if (run.status !== 0) {
      process.stderr.write(`stryker failed on ${name} (exit ${run.status})\n`);
      return run.status ?? 1;
    }
    const report = JSON.parse(fs.readFileSync(path.join('reports', 'mutation', `${name}.json`), 'utf8')) as Report;
    for (const folder of folders) {
      const dir = FOLDERS[folder] ?? '';
      const files = Object.entries(report.files).filter(([file]) => mutate === undefined || file.startsWith(`${dir}/`));
      const s = score({ files: Object.fromEntries(files) });
      const margin =
        sample === undefined ? '' : `  95% interval ${s.interval[0].toFixed(0)}-${s.interval[1].toFixed(0)}%`;
      lines.push(
        `${folder.padEnd(13)} ${s.percent.toFixed(2).padStart(6)}%  (${s.detected} detected, ${s.undetected} not)${margin}`,
      );
      survivors.push(...s.survivors);
    }
  }
  const what =
    sample === undefined
      ? 'mutation score per folder'
      : `mutation score per folder, ${sample} lines drawn from each (seed ${seed})`;
  process.stdout.write(`\n${what}:\n${lines.join('\n')}\n\nnot detected:\n${survivors.join('\n') || '(none)'}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main();
