import Flatbush from 'flatbush';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { LatLng, Station, Zone, ZoneLookup } from '../domain/places';
import type { StationRepository } from '../store/repositories/station-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import { PLACES, type VersionRepository } from '../store/repositories/version-repository';

/** Mean Earth radius (IUGG), the usual choice for haversine distances. */
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres. Accurate to about 0.5% (the Earth is not a sphere), plenty for "nearest help". */
export function haversineM(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  // min() guards against rounding pushing h a hair above 1 for antipodal points.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

// flatbush ranks neighbours by planar distance in degrees, which at Thai latitudes (5-21°N) overweights
// longitude by up to 7%. A handful of planar candidates almost always contains the true nearest
// station; nearestStation() then proves it, or widens the search when it cannot.
const NEAREST_CANDIDATES = 8;

export interface NearestStation {
  station: Station;
  distanceM: number;
}

/**
 * Answers "which zone is this point in, and which station looks after it" for the whole country
 * in microseconds: an R-tree (flatbush) of zone bounding boxes narrows 15,000 zones to the few whose
 * box holds the point, and only those get the exact point-in-polygon test. A second tree over station
 * locations finds the nearest station for points outside every zone. Immutable: a change in zones
 * or stations means building a new index (ZoneDirectory does that).
 */
export class ZoneIndex {
  private readonly zones: readonly Zone[];
  private readonly zoneTree?: Flatbush;
  private readonly stations: readonly Station[];
  private readonly stationTree?: Flatbush;
  private readonly stationsByCode: ReadonlyMap<string, Station>;

  constructor(zones: Zone[], stations: Station[]) {
    this.zones = [...zones];
    this.stations = stations.filter((s) => Number.isFinite(s.location?.lat) && Number.isFinite(s.location?.lng));
    this.stationsByCode = new Map(stations.map((s) => [s._id, s]));

    // flatbush refuses an empty index, and an empty store is normal on first start.
    if (this.zones.length > 0) {
      const tree = new Flatbush(this.zones.length);
      for (const zone of this.zones) {
        const [minX, minY, maxX, maxY] = outerBounds(zone);
        tree.add(minX, minY, maxX, maxY);
      }
      tree.finish();
      this.zoneTree = tree;
    }
    if (this.stations.length > 0) {
      const tree = new Flatbush(this.stations.length);
      for (const s of this.stations) tree.add(s.location.lng, s.location.lat, s.location.lng, s.location.lat);
      tree.finish();
      this.stationTree = tree;
    }
  }

  static empty(): ZoneIndex {
    return new ZoneIndex([], []);
  }

  static async load(zones: ZoneRepository, stations: StationRepository): Promise<ZoneIndex> {
    const [zoneList, stationList] = await Promise.all([zones.all(), stations.all()]);
    return new ZoneIndex(zoneList, stationList);
  }

  get zoneCount(): number {
    return this.zones.length;
  }

  get stationCount(): number {
    return this.stations.length;
  }

  lookup(point: LatLng): ZoneLookup {
    const { lat, lng } = point;
    if (!Number.isFinite(lat) || !Number.isFinite(lng)) return { zones: [], inZone: false };

    const containing = this.zonesAt(lng, lat);
    if (containing.length > 0) {
      for (const zone of containing) {
        const station = this.stationsByCode.get(zone.stationCode);
        if (station)
          return { zones: containing, station, inZone: true, distanceM: haversineM(point, station.location) };
      }
      // Every containing zone names a station that is gone (deleted after the zones were imported).
      // The person is still in the zone, and the nearest station is the best help we can point to.
      const nearest = this.nearestStation(point);
      return nearest
        ? { zones: containing, station: nearest.station, inZone: true, distanceM: nearest.distanceM }
        : { zones: containing, inZone: true };
    }

    const nearest = this.nearestStation(point);
    return nearest
      ? { zones: [], station: nearest.station, inZone: false, distanceM: nearest.distanceM }
      : { zones: [], inZone: false };
  }

  /** The station closest to the point on the globe, whatever zone it is in. */
  nearestStation(point: LatLng): NearestStation | undefined {
    const tree = this.stationTree;
    if (!tree || !Number.isFinite(point.lat) || !Number.isFinite(point.lng)) return undefined;

    const candidates = tree.neighbors(point.lng, point.lat, NEAREST_CANDIDATES);
    let best = this.closestOf(candidates, point);
    if (!best || candidates.length < NEAREST_CANDIDATES) return best;

    // Could a station outside the planar top-k still be nearer on the sphere? Along a great-circle
    // arc of angle θ from the point, latitude never exceeds |lat| + θ, so the arc's length in
    // degree-space is at most θ / cos(|lat| + θ). Any station nearer than `best` therefore lies within
    // planar radius r below. If the k-th planar candidate is already farther than r, nothing unseen
    // can win; otherwise (rare: a sparse area near a dense one) search everything within r.
    const thetaDeg = best.distanceM / EARTH_RADIUS_M / RAD;
    const capLat = Math.abs(point.lat) + thetaDeg;
    const r = capLat >= 89 ? Infinity : thetaDeg / Math.cos(capLat * RAD);
    const last = this.stations[candidates[candidates.length - 1]!]!.location;
    if (Math.hypot(last.lng - point.lng, last.lat - point.lat) >= r) return best;

    best = this.closestOf(tree.neighbors(point.lng, point.lat, Infinity, r), point) ?? best;
    return best;
  }

  private closestOf(indices: number[], point: LatLng): NearestStation | undefined {
    let best: NearestStation | undefined;
    for (const i of indices) {
      const station = this.stations[i]!;
      const distanceM = haversineM(point, station.location);
      if (!best || distanceM < best.distanceM) best = { station, distanceM };
    }
    return best;
  }

  private zonesAt(lng: number, lat: number): Zone[] {
    if (!this.zoneTree) return [];
    const hits = this.zoneTree.search(lng, lat, lng, lat);
    // Tree order is arbitrary; input order (zones sorted by id) makes "the first containing zone",
    // and so the routing on overlapping borders, the same on every instance and every rebuild.
    if (hits.length > 1) hits.sort((a, b) => a - b);
    const position: [number, number] = [lng, lat];
    const containing: Zone[] = [];
    for (const i of hits) {
      const zone = this.zones[i]!;
      if (booleanPointInPolygon(position, zone.geometry)) containing.push(zone);
    }
    return containing;
  }
}

/** Bounding box of a zone's outer rings; holes lie inside their outer ring, so they never widen it. */
function outerBounds(zone: Zone): [number, number, number, number] {
  const polygons = zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygons) {
    for (const position of polygon[0] ?? []) {
      const [x, y] = position as [number, number];
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  // A zone without coordinates (cannot pass import validation, but the store is not the validator)
  // gets an empty box far away rather than NaNs that would corrupt the tree.
  return minX <= maxX ? [minX, minY, maxX, maxY] : [Infinity, Infinity, Infinity, Infinity];
}

/**
 * The hub's current zone index. Lookups are synchronous against the index in hand; `rebuild()`
 * reloads zones and stations from the store and swaps the new index in, so an import through the
 * admin API takes effect without a restart. With several instances, each keeps its own: every zone
 * or station write bumps the places version in the store, and `refreshIfChanged()`, run on every
 * scheduler tick, rebuilds an index built from an older version.
 */
export class ZoneDirectory {
  private current = ZoneIndex.empty();
  private started = 0;
  private applied = 0;
  /** The places version the current index was built from. */
  private builtFrom: number | undefined;

  constructor(
    private readonly source: { zones: ZoneRepository; stations: StationRepository; versions?: VersionRepository },
  ) {}

  get index(): ZoneIndex {
    return this.current;
  }

  async rebuild(): Promise<ZoneIndex> {
    const ticket = ++this.started;
    // Read before the data: a change made while loading leaves the version behind, so the next
    // check rebuilds again rather than keep an index that missed it.
    const version = await this.source.versions?.current(PLACES);
    const next = await ZoneIndex.load(this.source.zones, this.source.stations);
    // Two imports in quick succession start overlapping rebuilds; one that read older data must not
    // replace the index of one that started after it.
    if (ticket > this.applied) {
      this.current = next;
      this.applied = ticket;
      this.builtFrom = version;
    }
    return this.current;
  }

  /** Rebuilds when zones or stations changed since this index was built (here or elsewhere). */
  async refreshIfChanged(): Promise<boolean> {
    if (!this.source.versions) return false;
    if ((await this.source.versions.current(PLACES)) === this.builtFrom) return false;
    await this.rebuild();
    return true;
  }

  lookup(point: LatLng): ZoneLookup {
    return this.current.lookup(point);
  }

  nearestStation(point: LatLng): NearestStation | undefined {
    return this.current.nearestStation(point);
  }
}
