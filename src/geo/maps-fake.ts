import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../util/project-root';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request, Response } from 'express';

/**
 * A stand-in for the Google Geocoding API (GET /maps/api/geocode/json), answering with Google's
 * shapes and quirks (errors as HTTP 200 with a status in the body), so the real library client can
 * be exercised in tests, benches and local runs without a key or a network.
 */

export interface FakePlace {
  /** What people type for it; forward lookups match on this and on the formatted addresses. */
  address: string;
  lat: number;
  lng: number;
  formattedAddress: { th: string; en?: string };
}

export interface MapsFakeCall {
  path: string;
  query: Record<string, string>;
}

export type MapsFakeFailure = 'timeout' | 'error' | 'denied';

export interface ListeningMapsFake {
  url: string;
  close(): Promise<void>;
}

export interface MapsFake {
  app: express.Express;
  listen(port?: number): Promise<ListeningMapsFake>;
  /** Every request received, in order, including those answered with a failure. */
  calls: MapsFakeCall[];
  /** The next `n` geocoding requests fail: never answered, HTTP 500, or REQUEST_DENIED. */
  failNext(n: number, kind: MapsFakeFailure): void;
  /** Hold every answer this long, to test callers' timeouts. */
  setDelay(ms: number): void;
}

// The fake's places and street names live in a data file, like every other Thai text.
const FAKE_DATA = JSON.parse(
  fs.readFileSync(path.join(projectRoot(), 'scripts', 'seed', 'maps-fake-places.json'), 'utf8'),
) as {
  syntheticStreet: { th: string; en: string };
  places: FakePlace[];
};

export const HAT_YAI_PLACES: readonly FakePlace[] = Object.freeze(FAKE_DATA.places);

const GEOCODE_PATH = '/maps/api/geocode/json';
// A pin this close to a known place is "at" it; beyond, the fake makes up a street address.
const PLACE_RADIUS_M = 300;

export function createMapsFake(opts: { places?: FakePlace[] } = {}): MapsFake {
  const places = opts.places ?? [...HAT_YAI_PLACES];
  const calls: MapsFakeCall[] = [];
  const failures: MapsFakeFailure[] = [];
  let delayMs = 0;

  const app = express();
  app.disable('x-powered-by');

  app.use((req, _res, next) => {
    calls.push({ path: req.path, query: flattenQuery(req.query) });
    next();
  });

  app.get(GEOCODE_PATH, (req, res) => {
    const failure = failures.shift();
    // Held until the client gives up or the fake closes: what a hung upstream looks like.
    if (failure === 'timeout') return;
    const query = flattenQuery(req.query);
    const answer = () => {
      if (failure === 'error') {
        res
          .status(500)
          .json({ status: 'UNKNOWN_ERROR', results: [], error_message: 'maps fake: injected server error' });
      } else if (failure === 'denied') {
        res.json({
          status: 'REQUEST_DENIED',
          results: [],
          error_message: 'The provided API key is invalid. (maps fake: injected)',
        });
      } else {
        res.json(geocodeAnswer(places, query));
      }
    };
    later(res, delayMs, answer);
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json({ status: 'NOT_FOUND', error_message: `maps fake does not serve ${req.path}` });
  });

  const listen = async (port = 0): Promise<ListeningMapsFake> => {
    const host = '127.0.0.1';
    const server = http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port: bound } = server.address() as AddressInfo;
    return {
      url: `http://${host}:${bound}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Held ("timeout") and delayed requests would otherwise keep the server, and jest, alive.
          server.closeAllConnections();
        }),
    };
  };

  return {
    app,
    listen,
    calls,
    failNext(n, kind) {
      for (let i = 0; i < n; i += 1) failures.push(kind);
    },
    setDelay(ms) {
      delayMs = Math.max(0, ms);
    },
  };
}

function later(res: Response, ms: number, answer: () => void): void {
  if (ms <= 0) return answer();
  const timer = setTimeout(() => {
    if (!res.writableEnded && !res.destroyed) answer();
  }, ms);
  timer.unref();
  // The client may abort first (its timeout); do not keep a timer for a gone socket.
  res.on('close', () => clearTimeout(timer));
}

type GoogleAnswer = {
  status: 'OK' | 'ZERO_RESULTS' | 'INVALID_REQUEST' | 'REQUEST_DENIED';
  results: Array<{
    formatted_address: string;
    geometry: { location: { lat: number; lng: number }; location_type: string };
    place_id: string;
    types: string[];
  }>;
  error_message?: string;
};

function geocodeAnswer(places: FakePlace[], query: Record<string, string>): GoogleAnswer {
  if (!query.key) {
    return {
      status: 'REQUEST_DENIED',
      results: [],
      error_message: 'You must use an API key to authenticate each request to Google Maps Platform APIs.',
    };
  }
  const thai = (query.language ?? 'en').toLowerCase().startsWith('th');

  if (query.latlng !== undefined) {
    const point = parseLatLng(query.latlng);
    if (!point) return invalid(`Invalid request. Invalid 'latlng' parameter.`);
    const nearest = nearestPlace(places, point);
    if (nearest) return ok([placeResult(nearest, thai)]);
    return ok([
      {
        formatted_address: syntheticAddress(point, thai),
        geometry: { location: point, location_type: 'RANGE_INTERPOLATED' },
        place_id: `fake-street-${point.lat.toFixed(5)},${point.lng.toFixed(5)}`,
        types: ['street_address'],
      },
    ]);
  }

  if (query.address !== undefined) {
    const wanted = query.address.normalize('NFC').trim().toLowerCase();
    if (!wanted) return invalid(`Invalid request. Missing the 'address' parameter.`);
    const matches = places.filter((p) => {
      const name = p.address.toLowerCase();
      const fields = [name, p.formattedAddress.th.toLowerCase(), (p.formattedAddress.en ?? '').toLowerCase()];
      // Either way round: part of the name finds the place, and so does the name inside a longer phrase.
      const word = firstWord(name);
      return fields.some((f) => f && f.includes(wanted)) || (word.length >= 3 && wanted.includes(word));
    });
    if (matches.length === 0) return { status: 'ZERO_RESULTS', results: [] };
    const centre = boundsCentre(query.bounds);
    if (centre) matches.sort((a, b) => distanceM(a, centre) - distanceM(b, centre));
    return ok(matches.map((p) => placeResult(p, thai)));
  }

  return invalid(`Invalid request. Missing the 'address', 'components', 'latlng' or 'place_id' parameter.`);
}

function ok(results: GoogleAnswer['results']): GoogleAnswer {
  return { status: 'OK', results };
}

function invalid(message: string): GoogleAnswer {
  return { status: 'INVALID_REQUEST', results: [], error_message: message };
}

function placeResult(place: FakePlace, thai: boolean): GoogleAnswer['results'][number] {
  return {
    formatted_address: thai ? place.formattedAddress.th : (place.formattedAddress.en ?? place.formattedAddress.th),
    geometry: { location: { lat: place.lat, lng: place.lng }, location_type: 'ROOFTOP' },
    place_id: `fake-place-${slug(place.address)}`,
    types: ['point_of_interest', 'establishment'],
  };
}

/** A plausible Hat Yai street address, stable for a point, so any pin gets an answer. */
function syntheticAddress(point: { lat: number; lng: number }, thai: boolean): string {
  const house = `${(Math.abs(Math.round(point.lat * 1e4)) % 899) + 1}/${(Math.abs(Math.round(point.lng * 1e4)) % 89) + 1}`;
  return (thai ? FAKE_DATA.syntheticStreet.th : FAKE_DATA.syntheticStreet.en).replace('{{house}}', house);
}

function nearestPlace(places: FakePlace[], point: { lat: number; lng: number }): FakePlace | undefined {
  let best: FakePlace | undefined;
  let bestM = PLACE_RADIUS_M;
  for (const p of places) {
    const d = distanceM(p, point);
    if (d <= bestM) {
      best = p;
      bestM = d;
    }
  }
  return best;
}

function parseLatLng(text: string): { lat: number; lng: number } | undefined {
  const parts = text.split(',');
  if (parts.length !== 2) return undefined;
  const [lat, lng] = parts.map((s) => Number(s.trim()));
  if (lat === undefined || lng === undefined || !Number.isFinite(lat) || !Number.isFinite(lng)) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return { lat, lng };
}

/** `bounds=swLat,swLng|neLat,neLng`, as the library serializes it. */
function boundsCentre(text: string | undefined): { lat: number; lng: number } | undefined {
  if (!text) return undefined;
  const [sw, ne] = text.split('|').map(parseLatLng);
  if (!sw || !ne) return undefined;
  return { lat: (sw.lat + ne.lat) / 2, lng: (sw.lng + ne.lng) / 2 };
}

function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

function firstWord(text: string): string {
  return text.split(' ')[0] ?? text;
}

function slug(text: string): string {
  return Buffer.from(text).toString('base64url').slice(0, 16);
}

/** Express's query is string | string[] | nested; Google's parameters are flat strings. */
function flattenQuery(query: Request['query']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (typeof v === 'string') flat[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') flat[k] = v[0];
  }
  return flat;
}
