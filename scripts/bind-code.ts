// Issues a one-time bind code through the running hub's admin API (the embedded store belongs to
// the hub process, so scripts never open it while the hub runs).
//
//   npm run bind-code -- station HYI
//   npm run bind-code -- community HYI HYI-santisuk
//   npm run bind-code -- officer HYI [--ttl-minutes 60]
//
// HUB_URL (default http://localhost:$PORT or :3000) and ADMIN_TOKEN come from the environment;
// without ADMIN_TOKEN the emulator-only local token is used, which only a hub without LINE
// credentials accepts.
const USAGE = 'usage: npm run bind-code -- <station|community|officer> <STATION> [ZONE_ID] [--ttl-minutes N]';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const ttlAt = args.indexOf('--ttl-minutes');
  const ttlMinutes = ttlAt >= 0 ? Number(args.splice(ttlAt, 2)[1]) : undefined;
  const [kind, stationCode, zoneId] = args;
  if (
    !kind ||
    !['station', 'community', 'officer'].includes(kind) ||
    !stationCode ||
    (kind === 'community' && !zoneId)
  ) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (ttlMinutes !== undefined && !(Number.isInteger(ttlMinutes) && ttlMinutes > 0)) {
    process.stderr.write('--ttl-minutes must be a positive whole number\n');
    return 2;
  }
  const hub = process.env.HUB_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`;
  const token = process.env.ADMIN_TOKEN ?? 'local-admin-token-emulator-only';
  let res: Response;
  try {
    res = await fetch(`${hub}/admin/bind-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ kind, stationCode, ...(zoneId ? { zoneId } : {}), ...(ttlMinutes ? { ttlMinutes } : {}) }),
    });
  } catch (err) {
    process.stderr.write(`cannot reach the hub at ${hub} (${(err as Error).message}); is it running? set HUB_URL\n`);
    return 1;
  }
  const body = (await res.json().catch(() => ({}))) as { code?: string; expiresAt?: string; message?: string };
  if (!res.ok) {
    process.stderr.write(`hub refused (${res.status}): ${body.message ?? 'no reason given'}\n`);
    return 1;
  }
  const where = kind === 'officer' ? 'in a 1:1 chat with the OA' : 'in the LINE group';
  process.stdout.write(`code ${body.code} (expires ${body.expiresAt})\nsend "/bind ${body.code}" ${where}\n`);
  return 0;
}

main().then((code) => process.exit(code));
