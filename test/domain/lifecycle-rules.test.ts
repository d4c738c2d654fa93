// The pure rules behind every officer tap: which status a case or an SOS may move to, and which
// escalation ladders a station may set. Tables, so a changed rule shows as a changed row.
import { canTransition, isOpen, type CaseStatus } from '../../src/domain/reports/case';
import { canMoveAlert, isOpenAlert, ladderProblem, type AlertStatus } from '../../src/domain/sos/alert';

const CASE: CaseStatus[] = ['new', 'acknowledged', 'en_route', 'on_scene', 'resolved', 'referred', 'rejected'];
/** from -> the statuses it may move to; every other pair is refused. */
const CASE_MOVES: Record<CaseStatus, CaseStatus[]> = {
  new: ['acknowledged', 'referred', 'rejected'],
  acknowledged: ['en_route', 'on_scene', 'resolved', 'referred', 'rejected'],
  en_route: ['on_scene', 'resolved', 'referred', 'rejected'],
  on_scene: ['resolved', 'referred', 'rejected'],
  resolved: [],
  referred: [],
  rejected: [],
};

describe('case lifecycle (canTransition)', () => {
  const pairs = CASE.flatMap((from) => CASE.map((to) => [from, to, CASE_MOVES[from].includes(to)] as const));
  it.each(pairs)('when a %s case is moved to %s, then the move is allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('when a case is closed (resolved, referred, rejected), then it is no longer open', () => {
    expect(CASE.filter((s) => isOpen(s))).toEqual(['new', 'acknowledged', 'en_route', 'on_scene']);
  });
});

const ALERT: AlertStatus[] = ['new', 'acknowledged', 'en_route', 'on_scene', 'resolved', 'false_alarm'];
const ALERT_MOVES: Record<AlertStatus, AlertStatus[]> = {
  new: ['acknowledged', 'false_alarm'],
  acknowledged: ['en_route', 'on_scene', 'resolved', 'false_alarm'],
  en_route: ['on_scene', 'resolved', 'false_alarm'],
  on_scene: ['resolved', 'false_alarm'],
  resolved: [],
  false_alarm: [],
};

describe('SOS lifecycle (canMoveAlert)', () => {
  const pairs = ALERT.flatMap((from) => ALERT.map((to) => [from, to, ALERT_MOVES[from].includes(to)] as const));
  it.each(pairs)('when a %s alert is moved to %s, then the move is allowed: %s', (from, to, allowed) => {
    expect(canMoveAlert(from, to)).toBe(allowed);
  });

  it('when an alert is resolved or a false alarm, then it is no longer open', () => {
    expect(ALERT.filter((s) => isOpenAlert(s))).toEqual(['new', 'acknowledged', 'en_route', 'on_scene']);
  });
});

describe('escalation ladder a station may set (ladderProblem)', () => {
  it.each([
    [[2, 5], undefined],
    [[0.5], undefined],
    [[1, 2, 3, 4, 60], undefined],
    [[], 'between 1 and 5 rungs'],
    [[1, 2, 3, 4, 5, 6], 'between 1 and 5 rungs'],
    [[0, 5], 'rung 1 must be above 0 minutes'],
    [[2, -1], 'rung 2 must be above 0 minutes'],
    [[2, Number.NaN], 'rung 2 must be above 0 minutes'],
    [[2, Number.POSITIVE_INFINITY], 'rung 2 must be above 0 minutes'],
    [[61], 'rung 1 must be at most 60 minutes'],
    [[2, 60.5], 'rung 2 must be at most 60 minutes'],
    [[5, 5], 'rung 2 must come later than rung 1'],
    [[2, 5, 4], 'rung 3 must come later than rung 2'],
  ])('when a station sets the ladder %j, then the problem is %s', (ladder, problem) => {
    expect(ladderProblem(ladder)).toBe(problem);
  });
});
