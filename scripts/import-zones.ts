// Imports zone boundaries from a GeoJSON file into the store, all or nothing.
//
//   tsx scripts/import-zones.ts <file.geojson> [--data-dir DIR]
//
// The store is chosen as the hub chooses it: MONGODB_URI when set, else the embedded files in
// --data-dir, DATA_DIR or ./data. The embedded store belongs to one process at a time: stop the hub
// before importing into its data directory (or use the admin API while it runs), then start it again.
import fs from 'node:fs';
import { SingleBar } from 'cli-progress';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { importZonesFromGeoJson } from '../src/geo/zone-importer';
import { EmbeddedStore } from '../src/store/embedded/nedb-store';
import { StationRepository } from '../src/store/repositories/station-repository';
import { ZoneRepository } from '../src/store/repositories/zone-repository';
import type { Store } from '../src/store/store-port';
import { systemClock } from '../src/util/clock';

const USAGE = 'usage: tsx scripts/import-zones.ts <file.geojson> [--data-dir DIR]';

function parseArgs(argv: string[]): { file: string; dataDir?: string } {
  let file: string | undefined;
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir') {
      dataDir = argv[++i];
      if (!dataDir) throw new UsageError('--data-dir needs a directory');
    } else if (arg.startsWith('--data-dir=')) {
      dataDir = arg.slice('--data-dir='.length);
    } else if (arg === '--help' || arg === '-h') {
      throw new UsageError();
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`one file at a time (got ${file} and ${arg})`);
    }
  }
  if (!file) throw new UsageError('which file?');
  return { file, dataDir };
}

class UsageError extends Error {}

async function openStore(config: Config): Promise<Store> {
  if (config.mongodbUri) {
    const { MongoStore } = await import('../src/store/mongo/mongo-store');
    return MongoStore.connect(config.mongodbUri);
  }
  const store = new EmbeddedStore({ dir: config.dataDir });
  await store.open(['stations', 'zones']);
  return store;
}

async function main(): Promise<number> {
  let args: { file: string; dataDir?: string };
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message ? `${err.message}\n` : ''}${USAGE}\n`);
    return 2;
  }

  // The same config module as the hub, so DATA_DIR and MONGODB_URI mean the same thing here.
  const config = loadConfig(args.dataDir ? { ...process.env, DATA_DIR: args.dataDir } : process.env);
  const text = fs.readFileSync(args.file, 'utf8');

  const store = await openStore(config);
  try {
    const stations = new StationRepository(store);
    const zones = new ZoneRepository(store);
    await Promise.all([stations.init(), zones.init()]);

    // A bar is noise in CI logs and in files; show it only to a person at a terminal.
    const bar = process.stderr.isTTY
      ? new SingleBar({
          stream: process.stderr,
          format: 'importing zones [{bar}] {value}/{total}',
          hideCursor: true,
          clearOnComplete: true,
        })
      : undefined;
    const result = await importZonesFromGeoJson(text, { zones, stations, clock: systemClock }, (done, total) => {
      if (!bar) return;
      if (done === 1) bar.start(total, 0);
      bar.update(done);
    });
    bar?.stop();

    if (result.errors.length > 0) {
      for (const e of result.errors) {
        process.stderr.write(`✗ ${e.feature === '(file)' ? 'file' : `feature ${e.feature}`}: ${e.message}\n`);
      }
      if ((await stations.count()) === 0) {
        process.stderr.write(
          '  (the store has no stations yet: start the hub once to seed the Hat Yai demo, or add stations first)\n',
        );
      }
      process.stderr.write('nothing imported\n');
      return 1;
    }
    process.stdout.write(`imported ${result.imported} zones\n`);
    process.stderr.write(`  store: ${store.kind === 'mongo' ? 'MongoDB' : config.dataDir}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Not "nothing imported": a store that fails mid-write may have taken some zones. Running the
    // same file again is safe (zones are upserted by id).
    const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`import-zones failed: ${message}\n`);
    process.exit(1);
  },
);
