// Temporal on temporal_rs: the expected values are what Deno (V8's Temporal) answers for the
// same calls.
import { test, run, assert, assertEquals, assertThrows } from "./harness.js";

test("Duration parses, balances, rounds and totals", () => {
  const d = Temporal.Duration.from({ hours: 1, minutes: 30 });
  assertEquals(d.toString(), "PT1H30M");
  assertEquals(d.total("minutes"), 90);
  assertEquals(d.round({ largestUnit: "minutes" }).toString(), "PT90M");
  assertEquals(Temporal.Duration.from("P1Y2M3DT4H").months, 2);
  assertEquals(Temporal.Duration.compare({ hours: 25 }, { days: 1 }, { relativeTo: "2024-03-10[America/New_York]" }), 1);
  assertThrows(() => new Temporal.Duration(1, -1), RangeError);
  assertThrows(() => Temporal.Duration.from({}), TypeError);
  assertThrows(() => d < d, TypeError);
});

test("PlainDate does calendar arithmetic and differences", () => {
  const date = Temporal.PlainDate.from("2024-01-31");
  assertEquals(date.add({ months: 1 }).toString(), "2024-02-29");
  assertThrows(() => date.add({ months: 1 }, { overflow: "reject" }), RangeError);
  assertEquals(date.dayOfWeek, 3);
  assertEquals(date.until("2024-12-25", { largestUnit: "months" }).toString(), "P10M25D");
  assertEquals(date.withCalendar("japanese").era, "reiwa");
  assertEquals(Temporal.PlainDate.from({ year: 2024, month: 13, day: 1 }).toString(), "2024-12-01");
  assertEquals(date.toPlainYearMonth().toString(), "2024-01");
  assertEquals(date.toPlainMonthDay().toString(), "01-31");
  assert(date.equals("2024-01-31"));
});

test("PlainTime and PlainDateTime round and wrap", () => {
  const t = new Temporal.PlainTime(13, 5, 7, 123);
  assertEquals(t.toString(), "13:05:07.123");
  assertEquals(t.round("minute").toString(), "13:05:00");
  assertEquals(t.add({ hours: 12 }).toString(), "01:05:07.123");
  const dt = Temporal.PlainDateTime.from({ year: 2024, month: 3, day: 10, hour: 2, minute: 30 });
  assertEquals(dt.with({ day: 1 }).toString(), "2024-03-01T02:30:00");
  assertEquals(dt.withCalendar("hebrew").toString(), "2024-03-10T02:30:00[u-ca=hebrew]");
  assertEquals(dt.toString({ smallestUnit: "minute" }), "2024-03-10T02:30");
});

test("ZonedDateTime follows the IANA rules across DST", () => {
  const z = Temporal.ZonedDateTime.from("2024-03-10T01:30:00-05:00[America/New_York]");
  assertEquals(z.add({ hours: 1 }).toString(), "2024-03-10T03:30:00-04:00[America/New_York]");
  assertEquals(z.hoursInDay, 23);
  assertEquals(z.withTimeZone("Asia/Kolkata").toString(), "2024-03-10T12:00:00+05:30[Asia/Kolkata]");
  assertEquals(z.getTimeZoneTransition("next").toString(), "2024-03-10T03:00:00-04:00[America/New_York]");
  assertEquals(z.until("2024-03-11T00:00[America/New_York]", { largestUnit: "days" }).toString(), "PT21H30M");
  assertEquals(Temporal.PlainDate.from("2024-06-01").toZonedDateTime("Asia/Tokyo").toString(), "2024-06-01T00:00:00+09:00[Asia/Tokyo]");
  assertThrows(() => Temporal.ZonedDateTime.from("2024-03-10T01:30:00+01:00[America/New_York]"), RangeError);
});

test("Instant and Now, and Date's bridge", () => {
  const i = Temporal.Instant.from("2024-03-10T10:00:00Z");
  assertEquals(i.epochMilliseconds, 1710064800000);
  assertEquals(i.toString({ timeZone: "America/New_York" }), "2024-03-10T06:00:00-04:00");
  assertEquals(new Date(0).toTemporalInstant().toString(), "1970-01-01T00:00:00Z");
  const before = Date.now();
  const now = Temporal.Now.instant().epochMilliseconds;
  assert(now >= before && now - before < 60000);
  assertEquals(typeof Temporal.Now.timeZoneId(), "string");
});

test("Intl.DateTimeFormat formats Temporal values by their own fields", () => {
  assertEquals(new Intl.DateTimeFormat("en-US").format(Temporal.PlainDate.from("2024-05-06")), "5/6/2024");
  assertEquals(Temporal.PlainTime.from("13:45").toLocaleString("en-US"), "1:45:00 PM");
  assertEquals(Temporal.Instant.from("2024-05-06T00:00Z").toLocaleString("en-US", { timeZone: "Asia/Tokyo" }), "5/6/2024, 9:00:00 AM");
  assertThrows(() => new Intl.DateTimeFormat("en", { hour: "numeric" }).format(Temporal.PlainDate.from("2024-05-06")), TypeError);
  assertEquals(Temporal.Duration.from({ hours: 2, minutes: 5 }).toLocaleString("en"), "2 hr, 5 min");
});

await run();
