// Moves the calendar every test file sees (Date and Date.now) to another day, by default 15 January
// 2027 (2570 in Bangkok), or CALENDAR_SHIFT_TO (an ISO date). The suite must pass on any date: tests
// run on a clock they set. Not part of npm test: `npm run test:calendar` (the browser tests are left
// out there: Chromium keeps its own clock).
const RealDate = globalThis.Date;
const wanted = process.env.CALENDAR_SHIFT_TO;
const target = wanted ? RealDate.parse(wanted) : RealDate.UTC(2027, 0, 15, 3);
if (Number.isNaN(target)) throw new Error(`CALENDAR_SHIFT_TO is not a date: ${wanted}`);
const offset = target - RealDate.now();

class ShiftedDate extends RealDate {
  constructor(...args: ConstructorParameters<typeof Date> | []) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...(args as ConstructorParameters<typeof Date>));
  }

  static override now(): number {
    return RealDate.now() + offset;
  }
}

globalThis.Date = ShiftedDate as DateConstructor;
