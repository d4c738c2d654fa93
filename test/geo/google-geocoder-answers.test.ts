// The Google geocoder against answers Google should not give but might: a result without a place
// or an address, an HTML error page, a status the client does not know. Each costs the report its
// address line only, and the log says why (never the API key).
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { GoogleGeocoder } from '../../src/geo/google-geocoder';
import { captureLog } from '../support/log-capture';

const KEY = 'test-maps-key-secret';

describe('Google geocoder, odd answers', () => {
  let server: Server;
  let url: string;
  let answer: (req: express.Request, res: express.Response) => void;
  beforeAll(async () => {
    const app = express();
    app.get('/maps/api/geocode/json', (req, res) => answer(req, res));
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const geocoder = () => {
    const log = captureLog('warn');
    return { log, g: new GoogleGeocoder({ apiKey: KEY, baseUrl: `${url}/`, logger: log.logger, cacheSize: 0 }) };
  };
  const warned = (log: ReturnType<typeof captureLog>) => log.lines.map((l) => ({ reason: l.reason, detail: l.detail }));

  it('when a point or an address is not worth asking about, then nobody is asked and there is no address', async () => {
    let asked = 0;
    answer = (_req, res) => {
      asked++;
      res.json({ status: 'OK', results: [] });
    };
    const { g } = geocoder();
    expect(await g.reverse({ lat: Number.NaN, lng: 100 })).toBeUndefined();
    expect(await g.reverse({ lat: 91, lng: 100 })).toBeUndefined();
    expect(await g.geocode('   ')).toBeUndefined();
    expect(asked).toBe(0);
  });

  it('when a result has no place or no address, then the lookup gives nothing and the log says MALFORMED', async () => {
    answer = (req, res) =>
      res.json({
        status: 'OK',
        results: [req.query.latlng ? { geometry: { location: { lat: 7, lng: 100 } } } : { formatted_address: 'x' }],
      });
    // One geocoder each: the geocoder logs one warning per minute at most.
    const a = geocoder();
    expect(await a.g.reverse({ lat: 7, lng: 100 })).toBeUndefined();
    expect(warned(a.log)).toEqual([{ reason: 'MALFORMED', detail: 'result without formatted_address' }]);
    const b = geocoder();
    expect(await b.g.geocode('ตลาด')).toBeUndefined();
    expect(warned(b.log)).toEqual([{ reason: 'MALFORMED', detail: 'result without geometry.location' }]);
  });

  it('when Google answers an error page or a refusal, then the log names the HTTP status or Google status, never the key', async () => {
    const a = geocoder();
    answer = (_req, res) => res.status(502).type('html').send('<html>Bad gateway</html>');
    expect(await a.g.reverse({ lat: 7.1, lng: 100.1 })).toBeUndefined();
    const b = geocoder();
    answer = (_req, res) => res.json({ status: 'OVER_QUERY_LIMIT', results: [], error_message: 'slow down' });
    expect(await b.g.reverse({ lat: 7.2, lng: 100.2 })).toBeUndefined();
    expect([...a.log.lines, ...b.log.lines].map((l) => l.reason)).toEqual(['HTTP_502', 'OVER_QUERY_LIMIT']);
    expect(JSON.stringify([...a.log.lines, ...b.log.lines])).not.toContain(KEY);
  });
});
