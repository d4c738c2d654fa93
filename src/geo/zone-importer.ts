import type { StationRepository } from '../store/repositories/station-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import type { Clock } from '../util/clock';
import { validateZones, type ZoneImportError } from './geojson-import';

export interface ZoneImportDeps {
  zones: ZoneRepository;
  stations: StationRepository;
  clock: Clock;
}

export interface ZoneImportResult {
  imported: number;
  errors: ZoneImportError[];
}

/**
 * Imports a GeoJSON file's zones, all or nothing: the whole file is validated against the stations
 * in the store first, and a single bad feature means no zone is written, so the store never holds
 * half of an admin's edit. Existing zones with the same id are updated in place. The caller
 * rebuilds the ZoneDirectory afterwards when a hub is running.
 */
export async function importZonesFromGeoJson(
  /** The file's text, or the file already parsed (the admin API's JSON body: not parsed twice). */
  text: string | object | null,
  deps: ZoneImportDeps,
  onProgress?: (done: number, total: number) => void,
): Promise<ZoneImportResult> {
  let input: unknown = text;
  try {
    if (typeof text === 'string') input = JSON.parse(text);
  } catch (err) {
    return {
      imported: 0,
      errors: [{ feature: '(file)', message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` }],
    };
  }
  const known = new Set((await deps.stations.all()).map((s) => s._id));
  const { zones, errors } = await validateZones(input, known, deps.clock.now());
  if (errors.length > 0) return { imported: 0, errors };
  const imported = await deps.zones.importZones(zones, onProgress);
  return { imported, errors: [] };
}
