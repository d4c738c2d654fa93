// bench/faults/kill9: kill -9 the hub several times while residents write to it, restart it on the
// same data folder each time (LINE redelivers what was refused meanwhile), and count the answers
// each event got: lost (none) and doubled (more than one).
//
//   npx tsx bench/faults/kill9.ts                               # 10,000 events, 500/s, 500 users, 3 kills
//   npx tsx bench/faults/kill9.ts --seed 2 --kills 5
import path from 'node:path';
import { parseArgs, reproduceCommand } from '../lib/args';
import { hubBuild } from '../lib/build';
import { deliveryRun, printDeliveryRun } from './delivery-run';

const USAGE =
  'usage: npx tsx bench/faults/kill9.ts [--events 10000] [--rate 500] [--users 500] [--kills 3] [--seed 1] [--build private|dist|DIR]';

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    { events: 10_000, rate: 500, users: 500, kills: 3, seed: 1, build: 'private' },
    USAGE,
  );
  const root = path.resolve(__dirname, '../..');
  const { build, ...load } = args;
  const result = await deliveryRun({ root, build: hubBuild(root, build), name: 'kill9', ...load });
  printDeliveryRun(
    `kill -9 ×${args.kills} during ${args.events} events (${args.rate}/s, ${args.users} users, seed ${args.seed})`,
    result,
    reproduceCommand('bench/faults/kill9.ts', args),
  );
  process.exit(result.answers.lost === 0 && result.hubAlive ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
