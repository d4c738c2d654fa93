import { buddhistYear } from '../../domain/reports/case';
import type { Collection, Store } from '../store-port';

interface Counter {
  _id: string;
  seq: number;
}

/**
 * Numbers that restart each Buddhist-era year per station and kind: HYI-69-000042, SOS-HYI-69-000007.
 * Allocation is one atomic upsert-increment, so two hub instances never hand out the same number.
 */
export class CounterRepository {
  private readonly counters: Collection<Counter>;
  constructor(store: Store) {
    this.counters = store.collection<Counter>('counters');
  }

  /** The next number for `kind` at `stationCode` in the year of `at`, as `[prefix-]STATION-YY-NNNNNN`. */
  async next(kind: 'case' | 'sos', stationCode: string, at: number): Promise<string> {
    const year = buddhistYear(at);
    const counter = await this.counters.upsertOne({ _id: `${kind}:${stationCode}:${year}` }, { $inc: { seq: 1 } });
    const number = `${stationCode}-${String(year % 100).padStart(2, '0')}-${String(counter.seq).padStart(6, '0')}`;
    return kind === 'sos' ? `SOS-${number}` : number;
  }
}
