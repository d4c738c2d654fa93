// A fresh city for every test of a describe. Apart from city.ts because it uses jest's hooks: the
// benches import city.ts, and the production build (tsconfig.build.json) compiles the benches.
import { startHub, type FixtureOptions, type HubFixture } from './hub-fixture';
import { setUpCity } from './city';

/**
 * A fresh city (demo data, setUpCity) for every test of the enclosing describe, closed after each.
 * Call it in the describe body; read the hub through the returned function inside the tests.
 */
export function cityForEachTest(options: FixtureOptions = {}): () => HubFixture {
  let f: HubFixture | undefined;
  beforeEach(async () => {
    f = await startHub({ seed: true, ...options });
    await setUpCity(f);
  });
  afterEach(async () => {
    await f?.close();
  });
  return () => f!;
}
