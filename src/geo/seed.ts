import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Station } from '../domain/places';
import type { StationRepository } from '../store/repositories/station-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import type { Clock } from '../util/clock';
import { projectRoot } from '../util/project-root';
import { validateFeatureCollection } from './geojson-import';

export interface SeedDeps {
  stations: StationRepository;
  zones: ZoneRepository;
  clock: Clock;
  /** Folder with hat-yai-stations.json and hat-yai-zones.geojson; default scripts/seed. */
  dir?: string;
}

export interface SeedResult {
  seeded: boolean;
  stations: number;
  zones: number;
}

const stationSeed = z.array(
  z.object({
    _id: z.string().min(1),
    name: z.object({ th: z.string().min(1), en: z.string().min(1), ms: z.string().min(1) }),
    phone: z.string().min(1),
    location: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
    escalationGroupId: z.string().optional(),
    sosLadderMinutes: z.array(z.number().positive()).optional(),
  }),
);

export class SeedDataError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`seed data ${file} is broken: ${detail}`);
    this.name = 'SeedDataError';
  }
}

/**
 * Loads the Hat Yai demo stations and their illustrative zones into an empty store, so the quick
 * start answers a location pin with a zone out of the box. "Empty" means no stations at all: once
 * an admin has added real stations the demo never comes back, even if every zone is deleted.
 */
export async function seedIfEmpty(deps: SeedDeps): Promise<SeedResult> {
  if ((await deps.stations.count()) > 0) return { seeded: false, stations: 0, zones: 0 };

  const dir = deps.dir ?? path.join(projectRoot(), 'scripts', 'seed');
  const stationsFile = path.join(dir, 'hat-yai-stations.json');
  const zonesFile = path.join(dir, 'hat-yai-zones.geojson');
  const now = deps.clock.now();

  // Both files are checked before anything is written: a broken seed is our bug, and it should
  // stop start-up loudly rather than leave stations without their zones.
  const parsed = stationSeed.safeParse(readJson(stationsFile));
  if (!parsed.success) throw new SeedDataError(stationsFile, parsed.error.issues[0]?.message ?? 'invalid');
  const stations: Station[] = parsed.data.map((s) => ({ ...s, createdAt: now, updatedAt: now }));

  const { zones, errors } = validateFeatureCollection(readJson(zonesFile), new Set(stations.map((s) => s._id)), now);
  if (errors.length > 0)
    throw new SeedDataError(zonesFile, errors.map((e) => `${e.feature}: ${e.message}`).join(' | '));

  for (const station of stations) await deps.stations.upsert(station);
  await deps.zones.importZones(zones);
  return { seeded: true, stations: stations.length, zones: zones.length };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SeedDataError(file, err instanceof Error ? err.message : String(err));
  }
}
