// bench/faults/sos-outage: a resident presses SOS while LINE is down (every API call answers 503)
// for 15 s, 60 s and 5 min. The hub keeps trying; the figure is how long after LINE answers again the
// station's group has the alert card, and how many times it got it (once), plus what the person was
// told (the "not reached yet, call 191" notice and the "it got through" one).
//
//   npx tsx bench/faults/sos-outage.ts                      # outages of 15, 60 and 300 s
//   npx tsx bench/faults/sos-outage.ts --outages 15,60
import path from 'node:path';
import { parseArgs, reproduceCommand } from '../lib/args';
import { hubBuild } from '../lib/build';
import { KeepAliveClient } from '../lib/http-client';
import { UlidIds, newReplyToken } from '../lib/line-webhook';
import { sleep } from '../lib/processes';
import { deliverAsLine, deliveredTo, issueReplyTokens, loadAverage, startLab, WebhookTally } from './lib';

const USAGE = 'usage: npx tsx bench/faults/sos-outage.ts [--outages 15,60,300] [--build private|dist|DIR]';
const GROUP = 'C' + '5'.repeat(32);
const OFFICER = 'U' + 'f'.repeat(32);
const FIRST_CARD = '🆘 SOS ฉุกเฉิน';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { outages: '15,60,300', build: 'private' }, USAGE);
  const outages = args.outages.split(',').map(Number);
  if (outages.some((s) => !(s > 0))) throw new Error(`--outages must be seconds, comma-separated\n${USAGE}`);
  const root = path.resolve(__dirname, '../..');
  const lab = await startLab({
    root,
    build: hubBuild(root, args.build),
    name: 'sos-outage',
    env: { COMMAND_CENTRE_GROUP_ID: GROUP },
  });
  const lines: string[] = [];
  let ok = true;
  try {
    const client = new KeepAliveClient(lab.hubUrl, { maxSockets: 4 });
    await lab.line.json('POST', '/_emulator/users', { userId: OFFICER, displayName: 'officer' });
    await lab.line.json('POST', '/_emulator/groups', { groupId: GROUP, groupName: 'ศูนย์วิทยุ', memberIds: [OFFICER] });
    const ids = new UlidIds();
    for (const [n, seconds] of outages.entries()) {
      const person = 'U' + (0xa0 + n).toString(16).padStart(2, '0') + 'e'.repeat(30);
      await lab.line.json('POST', '/_emulator/users', { userId: person, displayName: `resident ${n}`, language: 'th' });
      const cardsBefore = (await deliveredTo(lab.line, GROUP)).filter((d) => d.message.altText?.startsWith(FIRST_CARD));
      const lineBackAt = Date.now() + seconds * 1000;
      await lab.line.json('POST', '/_emulator/faults', { status: 503, forMs: seconds * 1000 });
      await sleep(1_000);
      const replyToken = newReplyToken();
      await issueReplyTokens(lab.line, [{ replyToken, chatId: person }]);
      const sos = {
        type: 'postback',
        mode: 'active',
        timestamp: Date.now(),
        webhookEventId: ids.next(),
        deliveryContext: { isRedelivery: false },
        source: { type: 'user', userId: person },
        replyToken,
        postback: { data: 'a=sos' },
      };
      const tally = new WebhookTally();
      await deliverAsLine(client, [sos], tally);
      // Wait out the outage, then up to 30 s for the card.
      let card: { at: number } | undefined;
      while (Date.now() < lineBackAt + 30_000) {
        const cards = (await deliveredTo(lab.line, GROUP)).filter((d) => d.message.altText?.startsWith(FIRST_CARD));
        card = cards.length > cardsBefore.length ? cards[cardsBefore.length] : undefined;
        if (card) break;
        await sleep(100);
      }
      await sleep(10_000); // anything sent twice would have come by now
      const cards = (await deliveredTo(lab.line, GROUP)).filter((d) => d.message.altText?.startsWith(FIRST_CARD));
      const toPerson = await deliveredTo(lab.line, person);
      const told = (prefix: string) => toPerson.filter((d) => d.message.text?.startsWith(prefix)).length;
      const afterS = card ? (card.at - lineBackAt) / 1000 : NaN;
      const once = cards.length - cardsBefore.length === 1;
      ok &&= once && afterS <= 2;
      lines.push(
        `  outage ${String(seconds).padStart(3)} s: card in the group ${card ? `${afterS.toFixed(2)} s after LINE answered again` : 'NEVER'}, ` +
          `${cards.length - cardsBefore.length} time(s); webhook ${[...tally.statuses.keys()].join(',')}; ` +
          `person told "not reached, call 191" ×${told('⚠️')}, "got through" ×${told('✅')}; load ${loadAverage()}`,
      );
      process.stdout.write(`${lines.at(-1)}\n`);
    }
  } finally {
    await lab.stop();
  }
  process.stdout.write(
    [
      '',
      'SOS while LINE is down (every API call 503)',
      ...lines,
      `  reproduce: ${reproduceCommand('bench/faults/sos-outage.ts', args)}`,
      '',
    ].join('\n'),
  );
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
