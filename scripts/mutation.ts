// Mutation testing with Stryker, one folder at a time (stryker.config.mjs), then each folder's score.
//
//   npm run mutation                      # src/domain, src/bot, src/messaging, src/store/repositories
//   npm run mutation -- domain messaging  # only these
//   npm run mutation -- rules             # the rules tests.md found unguarded, across the four (an hour)
//
// Each folder keeps its own incremental file (stryker/<name>.incremental.json, committed): a later
// run re-tests only the mutants whose code or covering tests changed. Reports: reports/mutation/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const NAMES = ['domain', 'bot', 'messaging', 'repositories'];
const KNOWN = [...NAMES, 'rules'];
const USAGE = `usage: npm run mutation [-- ${KNOWN.join(' ')}]`;

interface Report {
  files: Record<string, { mutants: Array<{ status: string }> }>;
}

/** Stryker's score: detected (killed or timed out) over detected and undetected (survived, no coverage). */
function score(report: Report): { detected: number; undetected: number; percent: number } {
  let detected = 0;
  let undetected = 0;
  for (const file of Object.values(report.files)) {
    for (const m of file.mutants) {
      if (m.status === 'Killed' || m.status === 'Timeout') detected++;
      else if (m.status === 'Survived' || m.status === 'NoCoverage') undetected++;
    }
  }
  const total = detected + undetected;
  return { detected, undetected, percent: total === 0 ? 100 : (100 * detected) / total };
}

function main(): number {
  const chosen = process.argv.slice(2);
  const unknown = chosen.filter((n) => !KNOWN.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown folder ${unknown.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const names = chosen.length > 0 ? chosen : NAMES;
  const lines: string[] = [];
  for (const name of names) {
    const run = spawnSync('npx', ['stryker', 'run'], {
      stdio: 'inherit',
      env: { ...process.env, MUTATION_FOLDER: name },
    });
    if (run.status !== 0) {
      process.stderr.write(`stryker failed on ${name} (exit ${run.status})\n`);
      return run.status ?? 1;
    }
    const file = path.join('reports', 'mutation', `${name}.json`);
    const s = score(JSON.parse(fs.readFileSync(file, 'utf8')) as Report);
    lines.push(
      `${name.padEnd(13)} ${s.percent.toFixed(2).padStart(6)}%  (${s.detected} detected, ${s.undetected} not)`,
    );
  }
  process.stdout.write(`\nmutation score per folder:\n${lines.join('\n')}\n`);
  return 0;
}

process.exitCode = main();
