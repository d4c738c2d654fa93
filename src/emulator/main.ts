import { createEmulator } from './emulator';
import { RateLimits } from './rate-limits';

/** `npm run emulator`: the LINE emulator on its own, for the simulator page and out-of-process benchmarks. */
async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`EMULATOR_PORT must be a port number, got ${process.env.EMULATOR_PORT}`);
    process.exit(1);
  }
  const host = process.env.EMULATOR_HOST ?? '127.0.0.1';
  let channelSecret = process.env.LINE_CHANNEL_SECRET;
  if (!channelSecret) {
    // A developer often starts the emulator alone; the bot must then use the same secret to verify webhooks.
    channelSecret = 'emulator-channel-secret';
    console.warn(`LINE_CHANNEL_SECRET is not set: signing webhooks with '${channelSecret}'`);
  }
  const webhookUrl = process.env.EMULATOR_WEBHOOK_URL ?? 'http://127.0.0.1:3000/webhook';
  const channelAccessToken = process.env.LINE_CHANNEL_ACCESS_TOKEN || undefined;

  // EMULATOR_RATE_LIMITS=multicast=200,push=2000: LINE's per-endpoint limits (429 above them).
  const rateLimits = RateLimits.parse(process.env.EMULATOR_RATE_LIMITS ?? '');
  const emulator = createEmulator({
    channelSecret,
    webhookUrl,
    rateLimits,
    ...(channelAccessToken ? { channelAccessToken } : {}),
  });
  const server = await emulator.listen(port, host);
  console.log(`LINE emulator listening on ${server.url} (simulator page: ${server.url}/)`);
  console.log(`Webhooks go to ${webhookUrl}`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: closing the LINE emulator`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('LINE emulator failed to start:', error);
  process.exit(1);
});
