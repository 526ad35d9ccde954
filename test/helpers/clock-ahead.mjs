// Preload for tests (`node --import`): this process's wall clock runs TEST_CLOCK_AHEAD_MS
// milliseconds ahead of the machine's (`Date.now()` and `new Date()`; dates built from a value,
// timers and the file system's clock are untouched). A run that must see files as written a
// second ago, or an expiry time as passed, is started with the clock that far ahead instead of
// the test waiting for it.
const ahead = Number(process.env.TEST_CLOCK_AHEAD_MS ?? "0");
if (!Number.isFinite(ahead)) throw new Error(`TEST_CLOCK_AHEAD_MS is not a number: ${ahead}`);
const RealDate = Date;
const now = () => RealDate.now() + ahead;
globalThis.Date = new Proxy(RealDate, {
  construct: (target, args, newTarget) =>
    Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
  apply: () => new RealDate(now()).toString(),
  get: (target, name, receiver) => (name === "now" ? now : Reflect.get(target, name, receiver)),
});
