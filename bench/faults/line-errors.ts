// bench/faults/line-errors: LINE answers an error to a share of message calls, either before doing
// anything (`--when before`: a plain retry delivers once) or after delivering (`--when after`: the
// message is out, but the hub hears 500; a retry must not show it twice). Counts answers per event.
//
//   npx tsx bench/faults/line-errors.ts                          # 20% of replies and pushes: 500 after delivering
//   npx tsx bench/faults/line-errors.ts --when before --status 503
import path from 'node:path';
import { parseArgs, reproduceCommand } from '../lib/args';
import { hubBuild } from '../lib/build';
import { deliveryRun, printDeliveryRun } from './delivery-run';

const USAGE =
  'usage: npx tsx bench/faults/line-errors.ts [--events 5000] [--rate 250] [--users 500] [--share 0.2] [--status 500] [--when after|before] [--seed 1] [--build private|dist|DIR]';

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    { events: 5_000, rate: 250, users: 500, share: 0.2, status: 500, when: 'after', seed: 1, build: 'private' },
    USAGE,
  );
  if (args.when !== 'after' && args.when !== 'before') throw new Error(`--when must be after or before\n${USAGE}`);
  const root = path.resolve(__dirname, '../..');
  const fault = (endpoint: string) => ({
    count: 1_000_000_000,
    status: args.status,
    endpoint,
    probability: args.share,
    ...(args.when === 'after' ? { after: true } : {}),
  });
  const result = await deliveryRun({
    root,
    build: hubBuild(root, args.build),
    name: 'line-errors',
    events: args.events,
    rate: args.rate,
    users: args.users,
    seed: args.seed,
    kills: 0,
    faults: [fault('reply'), fault('push')],
  });
  printDeliveryRun(
    `LINE answers ${args.status} ${args.when} delivering on ${Math.round(args.share * 100)}% of replies and pushes, ${args.events} events (${args.rate}/s)`,
    result,
    reproduceCommand('bench/faults/line-errors.ts', args),
  );
  process.exit(result.answers.lost === 0 && result.hubAlive ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
