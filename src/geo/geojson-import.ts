import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Zone } from '../domain/places';
import { CrossingsUnchecked, firstCrossings, type CrossingsOptions } from './crossings-worker';

/**
 * A zone is about half a square kilometre; a few hundred vertices draw it. Far more is a GIS export
 * at survey precision (or an attack): refused with a message rather than checked for minutes.
 */
export const MAX_VERTICES_PER_ZONE = 10_000;
export const MAX_VERTICES_PER_FILE = 200_000;

export interface ZoneImportError {
  /** The feature's `properties.id`, or `#<index>` when it has none; `(file)` for the file as a whole. */
  feature: string;
  message: string;
}

export interface ZoneValidation {
  zones: Zone[];
  errors: ZoneImportError[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Checks a GeoJSON FeatureCollection of zones and converts the good features to Zones stamped `now`.
 * Every bad feature gets one error line (its problems joined by "; ") so an admin can fix a file in
 * one pass. The caller decides what to do with a partly bad file; the importer imports nothing.
 *
 * Feature properties: `id` (becomes the zone id), `stationCode` (must be in `knownStations`),
 * `name_th`, `name_en`, `name_ms`, optional boolean `illustrative`. Geometry: Polygon or
 * MultiPolygon with closed rings of at least 4 positions, WGS84 lng/lat, at most
 * MAX_VERTICES_PER_ZONE vertices, and no self-intersection (checked off the event loop).
 */
export async function validateZones(
  input: unknown,
  knownStations: ReadonlySet<string>,
  now: number,
  options: CrossingsOptions = {},
): Promise<ZoneValidation> {
  const { zones, errors } = validateFeatureCollection(input, knownStations, now);
  if (zones.length === 0) return { zones, errors };
  const vertices = zones.reduce((n, z) => n + vertexCount(z.geometry), 0);
  if (vertices > MAX_VERTICES_PER_FILE) {
    return {
      zones: [],
      errors: [
        {
          feature: '(file)',
          message: `has ${vertices} vertices in all; at most ${MAX_VERTICES_PER_FILE} per file (split it, or simplify the shapes)`,
        },
      ],
    };
  }
  let crossings;
  try {
    crossings = await firstCrossings(
      zones.map((z) => z.geometry),
      options,
    );
  } catch (err) {
    if (err instanceof CrossingsUnchecked)
      return { zones: [], errors: [...errors, { feature: '(file)', message: err.message }] };
    throw err;
  }
  const crossingErrors = zones.flatMap((z, i) => {
    const at = crossings[i];
    return at ? [{ feature: z._id, message: `self-intersects at ${formatPosition(at)}` }] : [];
  });
  return { zones: zones.filter((_, i) => !crossings[i]), errors: [...errors, ...crossingErrors] };
}

/**
 * The checks of validateZones except self-intersection (which needs a worker thread): for files
 * the hub ships itself (the demo seed) and as the first pass of validateZones.
 */
export function validateFeatureCollection(
  input: unknown,
  knownStations: ReadonlySet<string>,
  now: number,
): ZoneValidation {
  if (!isObject(input) || input.type !== 'FeatureCollection' || !Array.isArray(input.features)) {
    const message =
      isObject(input) && input.type === 'FeatureCollection'
        ? 'the FeatureCollection has no "features" array'
        : `expected a GeoJSON FeatureCollection, found ${isObject(input) && typeof input.type === 'string' ? `a ${input.type}` : describe(input)}`;
    return { zones: [], errors: [{ feature: '(file)', message }] };
  }
  if (input.features.length === 0) {
    return { zones: [], errors: [{ feature: '(file)', message: 'the FeatureCollection has no features' }] };
  }

  const zones: Zone[] = [];
  const errors: ZoneImportError[] = [];
  const firstSeen = new Map<string, number>();

  input.features.forEach((feature: unknown, index) => {
    const properties = isObject(feature) && isObject(feature.properties) ? feature.properties : undefined;
    const label = nonEmptyString(properties?.id) ? properties.id.trim() : `#${index}`;
    const problems = checkFeature(feature, knownStations);

    if (nonEmptyString(properties?.id)) {
      const id = properties.id.trim();
      const earlier = firstSeen.get(id);
      if (earlier === undefined) firstSeen.set(id, index);
      else problems.unshift(`duplicate id "${id}" (first used by feature #${earlier})`);
    }

    if (problems.length > 0) {
      errors.push({ feature: label, message: problems.join('; ') });
      return;
    }
    zones.push(toZone(feature as Json, now));
  });

  return { zones, errors };
}

function checkFeature(feature: unknown, knownStations: ReadonlySet<string>): string[] {
  if (!isObject(feature) || feature.type !== 'Feature')
    return [`is not a GeoJSON Feature (found ${describe(feature)})`];
  const problems: string[] = [];
  const p = isObject(feature.properties) ? feature.properties : undefined;
  if (!p) {
    problems.push('has no properties (needs id, stationCode, name_th, name_en, name_ms)');
  } else {
    if (!nonEmptyString(p.id)) problems.push('property "id" must be a non-empty string');
    if (!nonEmptyString(p.stationCode)) problems.push('property "stationCode" must be a non-empty string');
    else if (!knownStations.has(p.stationCode.trim())) problems.push(`unknown station "${p.stationCode.trim()}"`);
    for (const key of ['name_th', 'name_en', 'name_ms']) {
      if (!nonEmptyString(p[key])) problems.push(`property "${key}" must be a non-empty string`);
    }
    if (p.illustrative !== undefined && typeof p.illustrative !== 'boolean') {
      problems.push('property "illustrative" must be true or false');
    }
  }
  const geometryProblem = checkGeometry(feature.geometry);
  if (geometryProblem) problems.push(geometryProblem);
  return problems;
}

/** The first thing wrong with the geometry, or undefined. Shape first, so the crossing check only sees well-formed rings. */
function checkGeometry(geometry: unknown): string | undefined {
  if (!isObject(geometry)) return 'has no geometry';
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
    return `geometry must be a Polygon or MultiPolygon, not ${describe(geometry.type)}`;
  }
  const coordinates = asArray(geometry.coordinates);
  if (!coordinates || coordinates.length === 0) {
    return `${geometry.type} has no coordinates (expected ${geometry.type === 'Polygon' ? 'an array of rings' : 'an array of polygons'})`;
  }
  const polygons = geometry.type === 'Polygon' ? [coordinates] : coordinates;
  for (const [pi, polygon] of polygons.entries()) {
    const of = geometry.type === 'MultiPolygon' ? ` of polygon ${pi + 1}` : '';
    const rings = asArray(polygon);
    if (!rings || rings.length === 0) return `polygon ${pi + 1} has no rings`;
    for (const [ri, ring] of rings.entries()) {
      const problem = checkRing(ring);
      if (problem) return `ring ${ri + 1}${of} ${problem}`;
    }
  }

  const vertices = vertexCount(geometry as unknown as Polygon | MultiPolygon);
  if (vertices > MAX_VERTICES_PER_ZONE) {
    return `has ${vertices} vertices; at most ${MAX_VERTICES_PER_ZONE} per zone (simplify the shape)`;
  }
  return undefined;
}

function vertexCount(geometry: Polygon | MultiPolygon): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let n = 0;
  for (const rings of polygons) for (const ring of rings) n += ring.length;
  return n;
}

function checkRing(ring: unknown): string | undefined {
  const positions = asArray(ring);
  if (!positions) return 'is not an array of positions';
  for (const [i, position] of positions.entries()) {
    const pos = asArray(position);
    if (!pos || pos.length < 2 || !pos.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      return `position ${i + 1} is not a [lng, lat] pair of numbers`;
    }
    const [lng, lat] = pos as [number, number];
    if (lng < -180 || lng > 180) return `position ${i + 1} has longitude ${lng} outside [-180, 180]`;
    // The usual mistake is [lat, lng] order; a latitude out of range is the tell-tale.
    if (lat < -90 || lat > 90)
      return `position ${i + 1} has latitude ${lat} outside [-90, 90] (GeoJSON order is [lng, lat])`;
  }
  if (positions.length < 4) return `has ${positions.length} positions; a closed ring needs at least 4`;
  const first = positions[0] as number[];
  const last = positions[positions.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    return `is not closed: first position ${formatPosition(first)} differs from last ${formatPosition(last)}`;
  }
  return undefined;
}

function toZone(feature: Json, now: number): Zone {
  const p = feature.properties as Json;
  const geometry = feature.geometry as unknown as Polygon | MultiPolygon;
  const zone: Zone = {
    _id: (p.id as string).trim(),
    stationCode: (p.stationCode as string).trim(),
    name: { th: (p.name_th as string).trim(), en: (p.name_en as string).trim(), ms: (p.name_ms as string).trim() },
    // Only type and coordinates, and only lng/lat: a bbox, foreign members or altitudes from a GIS
    // export would be stored for nothing (or, for a stale bbox, mislead turf's shortcut).
    geometry:
      geometry.type === 'Polygon'
        ? { type: 'Polygon', coordinates: geometry.coordinates.map(twoD) }
        : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((polygon) => polygon.map(twoD)) },
    createdAt: now,
    updatedAt: now,
  };
  if (typeof p.illustrative === 'boolean') zone.illustrative = p.illustrative;
  return zone;
}

const twoD = (ring: Position[]): Position[] => ring.map((pos) => [pos[0]!, pos[1]!]);

function asArray(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

function formatPosition(pos: readonly unknown[]): string {
  return pos
    .slice(0, 2)
    .map((n) => (typeof n === 'number' ? String(Math.round(n * 1e6) / 1e6) : String(n)))
    .join(',');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 30 ? `${v.slice(0, 30)}…` : v}"`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
