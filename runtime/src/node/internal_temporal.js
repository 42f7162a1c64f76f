// Temporal's JS half: the classes, argument coercion and option reading in the order the
// proposal specifies (property bags and options are read observably, so order matters). The
// calendar and time arithmetic is native (`runtime/src/temporal/`, on temporal_rs): each
// object keeps its native value in a private field. Loaded the first time an app touches
// `Temporal`.
import { temporalNatives, temporalHooks } from "edge:bootstrap";

const native = temporalNatives();
const NativeDuration = native.Duration;
const NativeTime = native.PlainTime;
const NativeDate = native.PlainDate;
const NativeDateTime = native.PlainDateTime;
const NativeInstant = native.Instant;

const ObjectCreate = Object.create;
const BigIntValue = BigInt;

/** ToBigInt: a Number is a TypeError (not converted), as in the specification. */
function toBigInt(value) {
  if (typeof value === "number") throw new TypeError("Temporal: epoch nanoseconds must be a BigInt");
  return BigIntValue(value);
}
const defineProperty = Object.defineProperty;

// ---------------------------------------------------------------------------------------------
// Abstract operations shared by every type

/** ToIntegerWithTruncation. */
function toIntegerWithTruncation(value) {
  const n = +value;
  if (Number.isNaN(n) || n === Infinity || n === -Infinity) throw new RangeError(`Temporal: ${String(n)} is not a finite number`);
  return Math.trunc(n) + 0;
}

/** ToIntegerIfIntegral. */
function toIntegerIfIntegral(value) {
  const n = +value;
  if (!Number.isInteger(n)) throw new RangeError(`Temporal: ${String(n)} is not an integer`);
  return n + 0;
}

/** ToPositiveIntegerWithTruncation. */
function toPositiveIntegerWithTruncation(value) {
  const n = toIntegerWithTruncation(value);
  if (n <= 0) throw new RangeError(`Temporal: ${n} must be positive`);
  return n;
}

/** GetOptionsObject. */
function optionsObject(options) {
  if (options === undefined) return ObjectCreate(null);
  if ((typeof options === "object" && options !== null) || typeof options === "function") return options;
  throw new TypeError("Temporal: options must be an object");
}

const REQUIRED = Symbol("required");

/** GetOption, for string options. */
function getOption(options, property, values, fallback) {
  const value = options[property];
  if (value === undefined) {
    if (fallback === REQUIRED) throw new RangeError(`Temporal: ${property} is required`);
    return fallback;
  }
  const text = `${value}`;
  if (values !== undefined && values.indexOf(text) === -1) {
    throw new RangeError(`Temporal: ${property} must be one of ${values.join(", ")}, not ${text}`);
  }
  return text;
}

function overflowOption(options) {
  return getOption(options, "overflow", ["constrain", "reject"], "constrain");
}

const ROUNDING_MODES = ["ceil", "floor", "expand", "trunc", "halfCeil", "halfFloor", "halfExpand", "halfTrunc", "halfEven"];

function roundingModeOption(options, fallback) {
  return getOption(options, "roundingMode", ROUNDING_MODES, fallback);
}

/** GetRoundingIncrementOption. */
function roundingIncrementOption(options) {
  const value = options.roundingIncrement;
  if (value === undefined) return 1;
  const n = toIntegerWithTruncation(value);
  if (n < 1 || n > 1e9) throw new RangeError(`Temporal: roundingIncrement ${n} is out of range`);
  return n;
}

const DATE_UNITS = ["year", "month", "week", "day"];
const TIME_UNITS = ["hour", "minute", "second", "millisecond", "microsecond", "nanosecond"];
const PLURAL_UNITS = {
  years: "year", months: "month", weeks: "week", days: "day", hours: "hour", minutes: "minute", seconds: "second",
  milliseconds: "millisecond", microseconds: "microsecond", nanoseconds: "nanosecond",
};

/**
 * GetTemporalUnitValuedOption then ValidateTemporalUnitValue: a unit (singular) of `group`
 * ("date", "time" or "datetime"), `extra` names allowed too ("auto"), or `fallback`.
 */
function unitOption(options, key, group, fallback, extra = []) {
  const value = options[key];
  if (value === undefined) {
    if (fallback === REQUIRED) throw new RangeError(`Temporal: ${key} is required`);
    return fallback;
  }
  const text = `${value}`;
  if (extra.indexOf(text) !== -1) return PLURAL_UNITS[text] ?? text;
  const unit = PLURAL_UNITS[text] ?? text;
  const allowed = group === "date" ? DATE_UNITS : group === "time" ? TIME_UNITS : [...DATE_UNITS, ...TIME_UNITS];
  if (allowed.indexOf(unit) === -1) throw new RangeError(`Temporal: ${key} ${text} is not allowed here`);
  return unit;
}

/** GetTemporalFractionalSecondDigitsOption: undefined for "auto", else 0-9. */
function fractionalSecondDigitsOption(options) {
  const value = options.fractionalSecondDigits;
  if (value === undefined) return undefined;
  if (typeof value !== "number") {
    if (`${value}` !== "auto") throw new RangeError(`Temporal: fractionalSecondDigits ${String(value)} is not allowed`);
    return undefined;
  }
  if (Number.isNaN(value) || value === Infinity || value === -Infinity) throw new RangeError("Temporal: fractionalSecondDigits must be finite");
  const digits = Math.floor(value);
  if (digits < 0 || digits > 9) throw new RangeError(`Temporal: fractionalSecondDigits ${digits} is out of range`);
  return digits;
}

/** The toString options every type reads, in order: digits, roundingMode, smallestUnit. */
function toStringOptions(options) {
  const digits = fractionalSecondDigitsOption(options);
  const mode = roundingModeOption(options, "trunc");
  const smallest = unitOption(options, "smallestUnit", "time", undefined);
  if (smallest === "hour") throw new RangeError("Temporal: smallestUnit cannot be hour here");
  return { digits, mode, smallest };
}

/** The difference options (`until`/`since`), read in alphabetical order. */
function differenceOptions(options, group, fallbackSmallest) {
  const opts = optionsObject(options);
  const largest = unitOption(opts, "largestUnit", group, "auto", ["auto"]);
  const increment = roundingIncrementOption(opts);
  const mode = roundingModeOption(opts, "trunc");
  const smallest = unitOption(opts, "smallestUnit", group, fallbackSmallest);
  return { largest: largest === "auto" ? undefined : largest, smallest, mode, increment };
}

/**
 * Defines the calendar getters (`year`, `monthCode`, ...) of a prototype: each reads the
 * object's fields (computed once by `info`), `undefined` where the calendar has none.
 */
function defineInfoGetters(proto, info, names) {
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const holder = {
      get [name]() {
        return info(this, name)[name] ?? undefined;
      },
    };
    defineProperty(proto, name, { get: Object.getOwnPropertyDescriptor(holder, name).get, enumerable: false, configurable: true });
  }
}

function defineTag(proto, tag) {
  defineProperty(proto, Symbol.toStringTag, { value: tag, writable: false, enumerable: false, configurable: true });
}

/** Makes the named methods of a class's prototype and statics non-enumerable built-ins. */
function finishClass(ctor, tag) {
  defineTag(ctor.prototype, tag);
  return ctor;
}

function noValueOf(type) {
  throw new TypeError(`Temporal.${type}: use compare() or equals(), not < or >`);
}

/** ToTemporalCalendarIdentifier for a string: an identifier, or the calendar of an ISO string. */
function calendarIdentifier(value) {
  if (typeof value === "object" && value !== null) {
    const slot = calendarOf(value);
    if (slot !== undefined) return slot;
  }
  if (typeof value !== "string") throw new TypeError("Temporal: a calendar must be a string");
  const id = value.toLowerCase();
  try {
    return new NativeDate(1972, 1, 1, id).info().calendarId;
  } catch (e) {
    // An ISO string carries its calendar (none is iso8601).
    try {
      return NativeDateTime.parse(value).date().info().calendarId;
    } catch {
      try {
        return NativeTime.parse(value) && "iso8601";
      } catch {
        throw new RangeError(`Temporal: unknown calendar ${value}`);
      }
    }
  }
}

/** The calendar of a Temporal object that has one. */
function calendarOf(value) {
  if (isPlainDate(value)) return dateSlot(value).info().calendarId;
  if (isPlainDateTime(value)) return dateTimeSlot(value).date().info().calendarId;
  if (isPlainYearMonth(value)) return yearMonthSlots.get(value).info().calendarId;
  if (isPlainMonthDay(value)) return monthDaySlots.get(value).info().calendarId;
  if (isZonedDateTime(value)) return zonedSlot(value).date().info().calendarId;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Temporal.Duration

const DURATION_FIELDS = ["years", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds"];
const DURATION_FIELDS_SORTED = ["days", "hours", "microseconds", "milliseconds", "minutes", "months", "nanoseconds", "seconds", "weeks", "years"];

/** ToTemporalPartialDurationRecord: the fields present, read in alphabetical order. */
function partialDuration(item) {
  if (typeof item !== "object" || item === null) throw new TypeError("Temporal: a duration-like must be an object");
  const out = ObjectCreate(null);
  let any = false;
  for (const field of DURATION_FIELDS_SORTED) {
    const value = item[field];
    if (value !== undefined) {
      any = true;
      out[field] = toIntegerIfIntegral(value);
    }
  }
  if (!any) throw new TypeError("Temporal: the duration-like has none of the duration fields");
  return out;
}

/** ToTemporalDuration: a Duration's native value. */
function toDuration(item) {
  if (isDuration(item)) return durationSlot(item);
  if (typeof item !== "object" || item === null) {
    if (typeof item !== "string") throw new TypeError("Temporal: a duration must be a Duration, an object or a string");
    return NativeDuration.parse(item);
  }
  const partial = partialDuration(item);
  const fields = [];
  for (const field of DURATION_FIELDS) fields[fields.length] = partial[field] ?? 0;
  return new NativeDuration(fields);
}

/** GetTemporalRelativeToOption: a PlainDate's native value, or undefined. */
function relativeToOption(options) {
  const value = options.relativeTo;
  if (value === undefined) return undefined;
  if (typeof value === "object" && value !== null) {
    if (isPlainDate(value)) return dateSlot(value);
    if (isPlainDateTime(value)) return dateTimeSlot(value).date();
    if (isZonedDateTime(value)) return zonedSlot(value);
    const calendar = calendarFromBag(value);
    const fields = zonedFieldsFromBag(value, calendar, false);
    if (fields.timeZone !== undefined) {
      return NativeZoned.fromFields(calendar, fields, fields.time, fields.offset, fields.timeZone, "constrain", "compatible", "reject", undefined);
    }
    return NativeDate.fromFields(calendar, fields, "constrain", undefined);
  }
  if (typeof value !== "string") throw new TypeError("Temporal: relativeTo must be an object or a string");
  // A time zone annotation makes it a ZonedDateTime; else a date.
  if (/\[!?(?!u-ca=)[^=\]]*\]/.test(value)) return NativeZoned.parse(value, "compatible", "reject");
  return NativeDateTime.parse(value).date();
}

const durationSlots = new WeakMap();

function isDuration(value) {
  return typeof value === "object" && value !== null && durationSlots.has(value);
}

function durationSlot(value) {
  return durationSlots.get(value);
}

function thisDuration(value, method) {
  const slot = durationSlots.get(value);
  if (slot === undefined) throw new TypeError(`Temporal.Duration.prototype.${method} called on an object that is not a Temporal.Duration`);
  return slot;
}

function makeDuration(nativeValue, proto = Duration.prototype) {
  const out = ObjectCreate(proto);
  durationSlots.set(out, nativeValue);
  return out;
}

class Duration {
  constructor(years = undefined, months = undefined, weeks = undefined, days = undefined, hours = undefined, minutes = undefined, seconds = undefined, milliseconds = undefined, microseconds = undefined, nanoseconds = undefined) {
    if (new.target === undefined) throw new TypeError("Temporal.Duration must be called with new");
    const values = [years, months, weeks, days, hours, minutes, seconds, milliseconds, microseconds, nanoseconds];
    const fields = [];
    for (let i = 0; i < 10; i++) fields[i] = values[i] === undefined ? 0 : toIntegerIfIntegral(values[i]);
    durationSlots.set(this, new NativeDuration(fields));
  }
  static from(item) {
    return makeDuration(toDuration(item));
  }
  static compare(one, two, options = undefined) {
    const a = toDuration(one);
    const b = toDuration(two);
    const opts = optionsObject(options);
    const relative = relativeToOption(opts);
    const fa = a.fields();
    const fb = b.fields();
    if (fa.every((v, i) => v === fb[i])) return 0;
    return NativeDuration.compare(a, b, relative);
  }
  get years() { return thisDuration(this, "years").fields()[0]; }
  get months() { return thisDuration(this, "months").fields()[1]; }
  get weeks() { return thisDuration(this, "weeks").fields()[2]; }
  get days() { return thisDuration(this, "days").fields()[3]; }
  get hours() { return thisDuration(this, "hours").fields()[4]; }
  get minutes() { return thisDuration(this, "minutes").fields()[5]; }
  get seconds() { return thisDuration(this, "seconds").fields()[6]; }
  get milliseconds() { return thisDuration(this, "milliseconds").fields()[7]; }
  get microseconds() { return thisDuration(this, "microseconds").fields()[8]; }
  get nanoseconds() { return thisDuration(this, "nanoseconds").fields()[9]; }
  get sign() { return thisDuration(this, "sign").sign(); }
  get blank() { return thisDuration(this, "blank").sign() === 0; }
  with(temporalDurationLike) {
    const d = thisDuration(this, "with");
    const partial = partialDuration(temporalDurationLike);
    const current = d.fields();
    const fields = [];
    for (let i = 0; i < 10; i++) fields[i] = partial[DURATION_FIELDS[i]] ?? current[i];
    return makeDuration(new NativeDuration(fields));
  }
  negated() {
    const fields = thisDuration(this, "negated").fields();
    return makeDuration(new NativeDuration(fields.map((v) => -v + 0)));
  }
  abs() {
    const fields = thisDuration(this, "abs").fields();
    return makeDuration(new NativeDuration(fields.map((v) => Math.abs(v))));
  }
  add(other) {
    const d = thisDuration(this, "add");
    return makeDuration(d.add(toDuration(other)));
  }
  subtract(other) {
    const d = thisDuration(this, "subtract");
    const o = toDuration(other);
    return makeDuration(d.add(new NativeDuration(o.fields().map((v) => -v + 0))));
  }
  round(roundTo) {
    const d = thisDuration(this, "round");
    if (roundTo === undefined) throw new TypeError("Temporal.Duration.prototype.round: roundTo is required");
    let opts;
    if (typeof roundTo === "string") {
      opts = ObjectCreate(null);
      opts.smallestUnit = roundTo;
    } else {
      opts = optionsObject(roundTo);
    }
    const largest = unitOption(opts, "largestUnit", "datetime", undefined, ["auto"]);
    const relative = relativeToOption(opts);
    const increment = roundingIncrementOption(opts);
    const mode = roundingModeOption(opts, "halfExpand");
    const smallest = unitOption(opts, "smallestUnit", "datetime", undefined);
    if (largest === undefined && smallest === undefined) throw new RangeError("Temporal.Duration.prototype.round: smallestUnit or largestUnit is required");
    return makeDuration(d.round(largest, smallest, mode, increment, relative));
  }
  total(totalOf) {
    const d = thisDuration(this, "total");
    if (totalOf === undefined) throw new TypeError("Temporal.Duration.prototype.total: a unit is required");
    let opts;
    if (typeof totalOf === "string") {
      opts = ObjectCreate(null);
      opts.unit = totalOf;
    } else {
      opts = optionsObject(totalOf);
    }
    const relative = relativeToOption(opts);
    const unit = unitOption(opts, "unit", "datetime", REQUIRED);
    return d.total(unit, relative);
  }
  toString(options = undefined) {
    const d = thisDuration(this, "toString");
    const o = toStringOptions(optionsObject(options));
    if (o.smallest === "minute") throw new RangeError("Temporal.Duration.prototype.toString: smallestUnit cannot be minute");
    return d.text(o.digits, o.smallest, o.mode);
  }
  toJSON() {
    return thisDuration(this, "toJSON").text(undefined, undefined, undefined);
  }
  toLocaleString(locales = undefined, options = undefined) {
    const d = thisDuration(this, "toLocaleString");
    const fields = d.fields();
    const record = {};
    for (let i = 0; i < 10; i++) record[DURATION_FIELDS[i]] = fields[i];
    return new globalThis.Intl.DurationFormat(locales, options).format(record);
  }
  valueOf() {
    noValueOf("Duration");
  }
}
finishClass(Duration, "Temporal.Duration");

// ---------------------------------------------------------------------------------------------
// Temporal.PlainTime

const TIME_FIELDS = ["hour", "minute", "second", "millisecond", "microsecond", "nanosecond"];
const TIME_FIELDS_SORTED = ["hour", "microsecond", "millisecond", "minute", "nanosecond", "second"];

const timeSlots = new WeakMap();

function isPlainTime(value) {
  return typeof value === "object" && value !== null && timeSlots.has(value);
}

function timeSlot(value) {
  return timeSlots.get(value);
}

function thisTime(value, method) {
  const slot = timeSlots.get(value);
  if (slot === undefined) throw new TypeError(`Temporal.PlainTime.prototype.${method} called on an object that is not a Temporal.PlainTime`);
  return slot;
}

function makeTime(nativeValue) {
  const out = ObjectCreate(PlainTime.prototype);
  timeSlots.set(out, nativeValue);
  return out;
}

/** ToTemporalTimeRecord: the time fields present (read in alphabetical order), in order. */
function timeRecord(item, partial) {
  const read = ObjectCreate(null);
  let any = false;
  for (const field of TIME_FIELDS_SORTED) {
    const value = item[field];
    if (value !== undefined) {
      any = true;
      read[field] = toIntegerWithTruncation(value);
    }
  }
  if (!any) throw new TypeError("Temporal: the object has none of the time fields");
  const out = [];
  for (const field of TIME_FIELDS) out[out.length] = read[field] ?? (partial ? undefined : 0);
  return out;
}

/** ToTemporalTime: a PlainTime's native value. */
function toTime(item, options) {
  if (typeof item === "object" && item !== null) {
    if (isPlainTime(item)) {
      overflowOption(optionsObject(options));
      return timeSlot(item);
    }
    if (isPlainDateTime(item)) {
      overflowOption(optionsObject(options));
      return dateTimeSlot(item).time();
    }
    if (isZonedDateTime(item)) {
      overflowOption(optionsObject(options));
      return zonedSlot(item).time();
    }
    const fields = timeRecord(item, false);
    const overflow = overflowOption(optionsObject(options));
    return NativeTime.fromFields(fields, overflow, undefined);
  }
  if (typeof item !== "string") throw new TypeError("Temporal: a time must be a PlainTime, an object or a string");
  const parsed = NativeTime.parse(item);
  overflowOption(optionsObject(options));
  return parsed;
}

/** ToTemporalTimeOrMidnight-like: undefined stays undefined. */
function toTimeOrUndefined(item) {
  return item === undefined ? undefined : toTime(item, undefined);
}

function compareTimes(a, b) {
  const x = a.fields();
  const y = b.fields();
  for (let i = 0; i < 6; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

class PlainTime {
  constructor(hour = 0, minute = 0, second = 0, millisecond = 0, microsecond = 0, nanosecond = 0) {
    if (new.target === undefined) throw new TypeError("Temporal.PlainTime must be called with new");
    const values = [hour, minute, second, millisecond, microsecond, nanosecond];
    const fields = [];
    for (let i = 0; i < 6; i++) fields[i] = values[i] === undefined ? 0 : toIntegerWithTruncation(values[i]);
    timeSlots.set(this, NativeTime.fromFields(fields, "reject", undefined));
  }
  static from(item, options = undefined) {
    return makeTime(toTime(item, options));
  }
  static compare(one, two) {
    return compareTimes(toTime(one), toTime(two));
  }
  get hour() { return thisTime(this, "hour").fields()[0]; }
  get minute() { return thisTime(this, "minute").fields()[1]; }
  get second() { return thisTime(this, "second").fields()[2]; }
  get millisecond() { return thisTime(this, "millisecond").fields()[3]; }
  get microsecond() { return thisTime(this, "microsecond").fields()[4]; }
  get nanosecond() { return thisTime(this, "nanosecond").fields()[5]; }
  add(duration) {
    const t = thisTime(this, "add");
    return makeTime(t.add(toDuration(duration)));
  }
  subtract(duration) {
    const t = thisTime(this, "subtract");
    const d = toDuration(duration);
    return makeTime(t.add(new NativeDuration(d.fields().map((v) => -v + 0))));
  }
  with(temporalTimeLike, options = undefined) {
    const t = thisTime(this, "with");
    if (typeof temporalTimeLike !== "object" || temporalTimeLike === null) throw new TypeError("Temporal.PlainTime.prototype.with: an object is required");
    rejectTemporalLike(temporalTimeLike);
    const fields = timeRecord(temporalTimeLike, true);
    const overflow = overflowOption(optionsObject(options));
    return makeTime(NativeTime.fromFields(fields, overflow, t));
  }
  until(other, options = undefined) {
    return difference(thisTime(this, "until"), toTime(other), false, options, "time", "nanosecond");
  }
  since(other, options = undefined) {
    return difference(thisTime(this, "since"), toTime(other), true, options, "time", "nanosecond");
  }
  round(roundTo) {
    const t = thisTime(this, "round");
    const o = roundOptions(roundTo, false);
    return makeTime(t.round(o.smallest, o.mode, o.increment));
  }
  equals(other) {
    const t = thisTime(this, "equals");
    return compareTimes(t, toTime(other)) === 0;
  }
  toString(options = undefined) {
    const t = thisTime(this, "toString");
    const o = toStringOptions(optionsObject(options));
    return t.text(o.digits, o.smallest, o.mode);
  }
  toJSON() {
    return thisTime(this, "toJSON").text(undefined, undefined, undefined);
  }
  toLocaleString(locales = undefined, options = undefined) {
    thisTime(this, "toLocaleString");
    return new globalThis.Intl.DateTimeFormat(locales, options).format(this);
  }

  valueOf() {
    noValueOf("PlainTime");
  }
}
finishClass(PlainTime, "Temporal.PlainTime");

/** A property bag that is itself a Temporal object, or has `calendar`/`timeZone`, is refused. */
function rejectTemporalLike(item) {
  if (isPlainDate(item) || isPlainDateTime(item) || isPlainTime(item) || isZonedDateTime(item) || isPlainYearMonth(item) || isPlainMonthDay(item)) {
    throw new TypeError("Temporal: with() takes a property bag, not a Temporal object");
  }
  if (item.calendar !== undefined) throw new TypeError("Temporal: with() cannot change the calendar");
  if (item.timeZone !== undefined) throw new TypeError("Temporal: with() cannot change the time zone");
}

/** `until`/`since` of two native values of one type. */
function difference(a, b, since, options, group, fallbackSmallest) {
  const o = differenceOptions(options, group, fallbackSmallest);
  return makeDuration(a.difference(b, since, o.largest, o.smallest, o.mode, o.increment));
}

/**
 * The `round` options of PlainTime, PlainDateTime and Instant, in alphabetical order; a
 * PlainDateTime also rounds to the day.
 */
function roundOptions(roundTo, allowDay) {
  if (roundTo === undefined) throw new TypeError("Temporal: round() needs a smallestUnit");
  let opts;
  if (typeof roundTo === "string") {
    opts = ObjectCreate(null);
    opts.smallestUnit = roundTo;
  } else {
    opts = optionsObject(roundTo);
  }
  const increment = roundingIncrementOption(opts);
  const mode = roundingModeOption(opts, "halfExpand");
  const smallest = unitOption(opts, "smallestUnit", "time", REQUIRED, allowDay ? ["day", "days"] : []);
  return { increment, mode, smallest };
}

// ---------------------------------------------------------------------------------------------
// Temporal.PlainDate

const dateSlots = new WeakMap();

function isPlainDate(value) {
  return typeof value === "object" && value !== null && dateSlots.has(value);
}

function dateSlot(value) {
  return dateSlots.get(value);
}

function thisDate(value, method) {
  const slot = dateSlots.get(value);
  if (slot === undefined) throw new TypeError(`Temporal.PlainDate.prototype.${method} called on an object that is not a Temporal.PlainDate`);
  return slot;
}

function makeDate(nativeValue) {
  const out = ObjectCreate(PlainDate.prototype);
  dateSlots.set(out, nativeValue);
  return out;
}

/** GetTemporalCalendarIdentifierWithISODefault of a property bag. */
function calendarFromBag(item) {
  const own = calendarOf(item);
  if (own !== undefined) return own;
  const value = item.calendar;
  if (value === undefined) return "iso8601";
  return calendarIdentifier(value);
}

/** Whether a calendar has eras (and so reads `era` and `eraYear`). */
function hasEras(calendar) {
  return calendar !== "iso8601" && calendar !== "chinese" && calendar !== "dangi";
}

/**
 * PrepareCalendarFields for a date (with `time`, the time fields too, for relativeTo and
 * PlainDateTime): read in alphabetical order, each converted as it is read.
 */
function dateFieldsFromBag(item, calendar, time, partial = false, kind = "date") {
  // The calendar fields each type reads: a year-month has no day; `toPlainDate` reads only
  // the missing half.
  const names = { date: ["day", "month", "monthCode", "year"], monthDay: ["day", "month", "monthCode", "year"], yearMonth: ["month", "monthCode", "year"], day: ["day"], year: ["year"] }[kind];
  if (hasEras(calendar) && kind !== "day") names.push("era", "eraYear");
  if (time) names.push(...TIME_FIELDS);
  if (time === "zoned") names.push("offset", "timeZone");
  names.sort();
  const out = ObjectCreate(null);
  const timeValues = ObjectCreate(null);
  let any = false;
  for (const name of names) {
    const value = item[name];
    if (value === undefined) continue;
    any = true;
    switch (name) {
      case "year":
      case "eraYear":
        out[name] = toIntegerWithTruncation(value);
        break;
      case "month":
      case "day":
        out[name] = toPositiveIntegerWithTruncation(value);
        break;
      case "monthCode": {
        const code = typeof value === "object" && value !== null ? toPrimitiveString(value) : value;
        if (typeof code !== "string") throw new TypeError("Temporal: monthCode must be a string");
        if (!/^M\d\dL?$/.test(code)) throw new RangeError(`Temporal: invalid monthCode ${code}`);
        out.monthCode = code;
        break;
      }
      case "era": {
        const era = typeof value === "object" && value !== null ? toPrimitiveString(value) : value;
        if (typeof era !== "string") throw new TypeError("Temporal: era must be a string");
        out.era = era;
        break;
      }
      case "offset": {
        const offset = typeof value === "object" && value !== null ? toPrimitiveString(value) : value;
        if (typeof offset !== "string") throw new TypeError("Temporal: offset must be a string");
        out.offset = offset;
        break;
      }
      case "timeZone":
        out.timeZone = value;
        break;
      default:
        timeValues[name] = toIntegerWithTruncation(value);
    }
  }
  if (partial && !any) throw new TypeError("Temporal: the object has none of the date fields");
  if (!partial) {
    const needYear = kind === "date" || kind === "yearMonth" || kind === "year";
    const needDay = kind === "date" || kind === "day" || kind === "monthDay";
    const needMonth = kind === "date" || kind === "yearMonth" || kind === "monthDay";
    if (needYear && out.year === undefined && (out.era === undefined || out.eraYear === undefined)) throw new TypeError("Temporal: year is required");
    if (needDay && out.day === undefined) throw new TypeError("Temporal: day is required");
    if (needMonth && out.month === undefined && out.monthCode === undefined) throw new TypeError("Temporal: month or monthCode is required");
  }
  if (time) {
    out.time = [];
    for (const name of TIME_FIELDS) out.time[out.time.length] = timeValues[name] ?? (partial ? undefined : 0);
  }
  return out;
}

function toPrimitiveString(value) {
  const p = value[Symbol.toPrimitive];
  if (p !== undefined && p !== null) {
    const r = p.call(value, "string");
    if (typeof r === "object" && r !== null) throw new TypeError("Temporal: cannot convert object to primitive");
    return r;
  }
  for (const name of ["toString", "valueOf"]) {
    const f = value[name];
    if (typeof f === "function") {
      const r = f.call(value);
      if (typeof r !== "object" || r === null) return r;
    }
  }
  throw new TypeError("Temporal: cannot convert object to primitive");
}

/** ToTemporalDate: a PlainDate's native value. */
function toDate(item, options) {
  if (typeof item === "object" && item !== null) {
    if (isPlainDate(item)) {
      overflowOption(optionsObject(options));
      return dateSlot(item);
    }
    if (isPlainDateTime(item)) {
      overflowOption(optionsObject(options));
      return dateTimeSlot(item).date();
    }
    if (isZonedDateTime(item)) {
      overflowOption(optionsObject(options));
      return zonedSlot(item).date();
    }
    const calendar = calendarFromBag(item);
    const fields = dateFieldsFromBag(item, calendar, false);
    const overflow = overflowOption(optionsObject(options));
    return NativeDate.fromFields(calendar, fields, overflow, undefined);
  }
  if (typeof item !== "string") throw new TypeError("Temporal: a date must be a PlainDate, an object or a string");
  const parsed = NativeDate.parse(item);
  overflowOption(optionsObject(options));
  return parsed;
}

function compareDates(a, b) {
  return NativeDate.compare(a, b);
}

/** The calendar-dependent fields of a date, computed once per object. */
const dateInfos = new WeakMap();
function dateInfo(value, method) {
  const slot = thisDate(value, method);
  let info = dateInfos.get(slot);
  if (info === undefined) {
    info = slot.info();
    dateInfos.set(slot, info);
  }
  return info;
}

class PlainDate {
  constructor(isoYear, isoMonth, isoDay, calendar = "iso8601") {
    if (new.target === undefined) throw new TypeError("Temporal.PlainDate must be called with new");
    const y = toIntegerWithTruncation(isoYear);
    const m = toIntegerWithTruncation(isoMonth);
    const d = toIntegerWithTruncation(isoDay);
    if (typeof calendar !== "string") throw new TypeError("Temporal.PlainDate: the calendar must be a string");
    const id = canonicalCalendar(calendar);
    dateSlots.set(this, new NativeDate(y, m, d, id));
  }
  static from(item, options = undefined) {
    return makeDate(toDate(item, options));
  }
  static compare(one, two) {
    return compareDates(toDate(one), toDate(two));
  }
  with(temporalDateLike, options = undefined) {
    const d = thisDate(this, "with");
    if (typeof temporalDateLike !== "object" || temporalDateLike === null) throw new TypeError("Temporal.PlainDate.prototype.with: an object is required");
    rejectTemporalLike(temporalDateLike);
    const calendar = d.info().calendarId;
    const fields = dateFieldsFromBag(temporalDateLike, calendar, false, true);
    const overflow = overflowOption(optionsObject(options));
    return makeDate(NativeDate.fromFields(calendar, fields, overflow, d));
  }
  withCalendar(calendar) {
    const d = thisDate(this, "withCalendar");
    if (calendar === undefined) throw new TypeError("Temporal.PlainDate.prototype.withCalendar: a calendar is required");
    return makeDate(d.withCalendar(calendarIdentifier(calendar)));
  }
  add(duration, options = undefined) {
    const d = thisDate(this, "add");
    const dur = toDuration(duration);
    const overflow = overflowOption(optionsObject(options));
    return makeDate(d.add(dur, overflow));
  }
  subtract(duration, options = undefined) {
    const d = thisDate(this, "subtract");
    const dur = toDuration(duration);
    const overflow = overflowOption(optionsObject(options));
    return makeDate(d.add(new NativeDuration(dur.fields().map((v) => -v + 0)), overflow));
  }
  until(other, options = undefined) {
    const d = thisDate(this, "until");
    const o = toDate(other);
    sameCalendar(d, o);
    return difference(d, o, false, options, "date", "day");
  }
  since(other, options = undefined) {
    const d = thisDate(this, "since");
    const o = toDate(other);
    sameCalendar(d, o);
    return difference(d, o, true, options, "date", "day");
  }
  equals(other) {
    const d = thisDate(this, "equals");
    const o = toDate(other);
    return compareDates(d, o) === 0 && d.info().calendarId === o.info().calendarId;
  }
  toPlainDateTime(temporalTime = undefined) {
    const d = thisDate(this, "toPlainDateTime");
    return makeDateTime(d.toDateTime(toTimeOrUndefined(temporalTime)));
  }
  toZonedDateTime(item) {
    const d = thisDate(this, "toZonedDateTime");
    let zone;
    let time;
    if (typeof item === "object" && item !== null && !isZonedDateTime(item)) {
      const zoneLike = item.timeZone;
      if (zoneLike === undefined) {
        zone = toTimeZone(item);
      } else {
        zone = toTimeZone(zoneLike);
        time = item.plainTime;
      }
    } else {
      zone = toTimeZone(item);
    }
    return makeZoned(native.dateInZone(d, zone, toTimeOrUndefined(time)));
  }
  toPlainYearMonth() {
    return makeYearMonth(thisDate(this, "toPlainYearMonth").toYearMonth());
  }
  toPlainMonthDay() {
    return makeMonthDay(thisDate(this, "toPlainMonthDay").toMonthDay());
  }
  toString(options = undefined) {
    const d = thisDate(this, "toString");
    const opts = optionsObject(options);
    const calendarName = getOption(opts, "calendarName", ["auto", "always", "never", "critical"], "auto");
    return d.text(calendarName);
  }
  toJSON() {
    return thisDate(this, "toJSON").text("auto");
  }
  toLocaleString(locales = undefined, options = undefined) {
    thisDate(this, "toLocaleString");
    return new globalThis.Intl.DateTimeFormat(locales, options).format(this);
  }

  valueOf() {
    noValueOf("PlainDate");
  }
}
finishClass(PlainDate, "Temporal.PlainDate");
defineInfoGetters(PlainDate.prototype, dateInfo, ["calendarId", "era", "eraYear", "year", "month", "monthCode", "day", "dayOfWeek", "dayOfYear", "weekOfYear", "yearOfWeek", "daysInWeek", "daysInMonth", "daysInYear", "monthsInYear", "inLeapYear"]);

/** A calendar identifier for a constructor: known, and in canonical form. */
function canonicalCalendar(id) {
  try {
    return new NativeDate(1972, 1, 1, id.toLowerCase()).info().calendarId;
  } catch {
    throw new RangeError(`Temporal: unknown calendar ${id}`);
  }
}

function sameCalendar(a, b) {
  const x = (a.info ? a.info() : a.date().info()).calendarId;
  const y = (b.info ? b.info() : b.date().info()).calendarId;
  if (x !== y) throw new RangeError(`Temporal: cannot compare dates in the ${x} and ${y} calendars`);
}

// ---------------------------------------------------------------------------------------------
// Temporal.PlainDateTime

const dateTimeSlots = new WeakMap();

function isPlainDateTime(value) {
  return typeof value === "object" && value !== null && dateTimeSlots.has(value);
}

function dateTimeSlot(value) {
  return dateTimeSlots.get(value);
}

function thisDateTime(value, method) {
  const slot = dateTimeSlots.get(value);
  if (slot === undefined) throw new TypeError(`Temporal.PlainDateTime.prototype.${method} called on an object that is not a Temporal.PlainDateTime`);
  return slot;
}

function makeDateTime(nativeValue) {
  const out = ObjectCreate(PlainDateTime.prototype);
  dateTimeSlots.set(out, nativeValue);
  return out;
}

/** ToTemporalDateTime: a PlainDateTime's native value. */
function toDateTime(item, options) {
  if (typeof item === "object" && item !== null) {
    if (isPlainDateTime(item)) {
      overflowOption(optionsObject(options));
      return dateTimeSlot(item);
    }
    if (isPlainDate(item)) {
      overflowOption(optionsObject(options));
      return dateSlot(item).toDateTime(undefined);
    }
    if (isZonedDateTime(item)) {
      overflowOption(optionsObject(options));
      return zonedSlot(item).dateTime();
    }
    const calendar = calendarFromBag(item);
    const fields = dateFieldsFromBag(item, calendar, true);
    const overflow = overflowOption(optionsObject(options));
    return NativeDateTime.fromFields(calendar, fields, fields.time, overflow, undefined);
  }
  if (typeof item !== "string") throw new TypeError("Temporal: a date-time must be a PlainDateTime, an object or a string");
  const parsed = NativeDateTime.parse(item);
  overflowOption(optionsObject(options));
  return parsed;
}

const dateTimeInfos = new WeakMap();
function dateTimeInfo(value, method) {
  const slot = thisDateTime(value, method);
  let info = dateTimeInfos.get(slot);
  if (info === undefined) {
    info = slot.date().info();
    const iso = slot.iso();
    info.hour = iso[3];
    info.minute = iso[4];
    info.second = iso[5];
    info.millisecond = iso[6];
    info.microsecond = iso[7];
    info.nanosecond = iso[8];
    dateTimeInfos.set(slot, info);
  }
  return info;
}

class PlainDateTime {
  constructor(isoYear, isoMonth, isoDay, hour = 0, minute = 0, second = 0, millisecond = 0, microsecond = 0, nanosecond = 0, calendar = "iso8601") {
    if (new.target === undefined) throw new TypeError("Temporal.PlainDateTime must be called with new");
    const y = toIntegerWithTruncation(isoYear);
    const m = toIntegerWithTruncation(isoMonth);
    const d = toIntegerWithTruncation(isoDay);
    const values = [hour, minute, second, millisecond, microsecond, nanosecond];
    const time = [];
    for (let i = 0; i < 6; i++) time[i] = values[i] === undefined ? 0 : toIntegerWithTruncation(values[i]);
    if (typeof calendar !== "string") throw new TypeError("Temporal.PlainDateTime: the calendar must be a string");
    const id = canonicalCalendar(calendar);
    const date = new NativeDate(y, m, d, id);
    const t = NativeTime.fromFields(time, "reject", undefined);
    dateTimeSlots.set(this, new NativeDateTime(date, t));
  }
  static from(item, options = undefined) {
    return makeDateTime(toDateTime(item, options));
  }
  static compare(one, two) {
    return NativeDateTime.compare(toDateTime(one), toDateTime(two));
  }
  with(temporalDateTimeLike, options = undefined) {
    const dt = thisDateTime(this, "with");
    if (typeof temporalDateTimeLike !== "object" || temporalDateTimeLike === null) throw new TypeError("Temporal.PlainDateTime.prototype.with: an object is required");
    rejectTemporalLike(temporalDateTimeLike);
    const calendar = dt.date().info().calendarId;
    const fields = dateFieldsFromBag(temporalDateTimeLike, calendar, true, true);
    const overflow = overflowOption(optionsObject(options));
    return makeDateTime(NativeDateTime.fromFields(calendar, fields, fields.time, overflow, dt));
  }
  withPlainTime(plainTimeLike = undefined) {
    const dt = thisDateTime(this, "withPlainTime");
    return makeDateTime(dt.withTime(toTimeOrUndefined(plainTimeLike)));
  }
  withCalendar(calendar) {
    const dt = thisDateTime(this, "withCalendar");
    if (calendar === undefined) throw new TypeError("Temporal.PlainDateTime.prototype.withCalendar: a calendar is required");
    return makeDateTime(dt.withCalendar(calendarIdentifier(calendar)));
  }
  add(duration, options = undefined) {
    const dt = thisDateTime(this, "add");
    const dur = toDuration(duration);
    const overflow = overflowOption(optionsObject(options));
    return makeDateTime(dt.add(dur, overflow));
  }
  subtract(duration, options = undefined) {
    const dt = thisDateTime(this, "subtract");
    const dur = toDuration(duration);
    const overflow = overflowOption(optionsObject(options));
    return makeDateTime(dt.add(new NativeDuration(dur.fields().map((v) => -v + 0)), overflow));
  }
  until(other, options = undefined) {
    const dt = thisDateTime(this, "until");
    const o = toDateTime(other);
    sameCalendar(dt, o);
    return difference(dt, o, false, options, "datetime", "nanosecond");
  }
  since(other, options = undefined) {
    const dt = thisDateTime(this, "since");
    const o = toDateTime(other);
    sameCalendar(dt, o);
    return difference(dt, o, true, options, "datetime", "nanosecond");
  }
  round(roundTo) {
    const dt = thisDateTime(this, "round");
    const o = roundOptions(roundTo, true);
    return makeDateTime(dt.round(o.smallest, o.mode, o.increment));
  }
  equals(other) {
    const dt = thisDateTime(this, "equals");
    const o = toDateTime(other);
    return NativeDateTime.compare(dt, o) === 0 && dt.date().info().calendarId === o.date().info().calendarId;
  }
  toZonedDateTime(temporalTimeZoneLike, options = undefined) {
    const dt = thisDateTime(this, "toZonedDateTime");
    const zone = toTimeZone(temporalTimeZoneLike);
    const disambiguation = disambiguationOption(optionsObject(options));
    return makeZoned(native.dateTimeInZone(dt, zone, disambiguation));
  }
  toPlainDate() {
    return makeDate(thisDateTime(this, "toPlainDate").date());
  }
  toPlainTime() {
    return makeTime(thisDateTime(this, "toPlainTime").time());
  }
  toString(options = undefined) {
    const dt = thisDateTime(this, "toString");
    const opts = optionsObject(options);
    const calendarName = getOption(opts, "calendarName", ["auto", "always", "never", "critical"], "auto");
    const o = toStringOptions(opts);
    return dt.text(o.digits, o.smallest, o.mode, calendarName);
  }
  toJSON() {
    return thisDateTime(this, "toJSON").text(undefined, undefined, undefined, "auto");
  }
  toLocaleString(locales = undefined, options = undefined) {
    thisDateTime(this, "toLocaleString");
    return new globalThis.Intl.DateTimeFormat(locales, options).format(this);
  }

  valueOf() {
    noValueOf("PlainDateTime");
  }
}
finishClass(PlainDateTime, "Temporal.PlainDateTime");
defineInfoGetters(PlainDateTime.prototype, dateTimeInfo, ["calendarId", "era", "eraYear", "year", "month", "monthCode", "day", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond", "dayOfWeek", "dayOfYear", "weekOfYear", "yearOfWeek", "daysInWeek", "daysInMonth", "daysInYear", "monthsInYear", "inLeapYear"]);

// ---------------------------------------------------------------------------------------------
// Temporal.Instant

const instantSlots = new WeakMap();

function isInstant(value) {
  return typeof value === "object" && value !== null && instantSlots.has(value);
}

function thisInstant(value, method) {
  const slot = instantSlots.get(value);
  if (slot === undefined) throw new TypeError(`Temporal.Instant.prototype.${method} called on an object that is not a Temporal.Instant`);
  return slot;
}

function makeInstant(nativeValue) {
  const out = ObjectCreate(Instant.prototype);
  instantSlots.set(out, nativeValue);
  return out;
}

/** ToTemporalInstant. */
function toInstant(item) {
  if (typeof item === "object" && item !== null) {
    if (isInstant(item)) return instantSlots.get(item);
    if (isZonedDateTime(item)) return zonedSlot(item).instant();
    item = toPrimitiveString(item);
  }
  if (typeof item !== "string") throw new TypeError("Temporal: an instant must be an Instant or a string");
  return NativeInstant.parse(item);
}

function instantDifference(a, b, since, options) {
  const o = differenceOptions(options, "time", "nanosecond");
  return makeDuration(a.difference(b, since, o.largest, o.smallest, o.mode, o.increment));
}

class Instant {
  constructor(epochNanoseconds) {
    if (new.target === undefined) throw new TypeError("Temporal.Instant must be called with new");
    const ns = toBigInt(epochNanoseconds);
    instantSlots.set(this, new NativeInstant(`${ns}`));
  }
  static from(item) {
    return makeInstant(toInstant(item));
  }
  static fromEpochMilliseconds(epochMilliseconds) {
    const ms = +epochMilliseconds;
    if (!Number.isInteger(ms)) throw new RangeError("Temporal.Instant.fromEpochMilliseconds: an integer is required");
    return makeInstant(new NativeInstant(`${BigIntValue(ms) * 1000000n}`));
  }
  static fromEpochNanoseconds(epochNanoseconds) {
    if (typeof epochNanoseconds !== "bigint") epochNanoseconds = toBigInt(epochNanoseconds);
    return makeInstant(new NativeInstant(`${epochNanoseconds}`));
  }
  static compare(one, two) {
    const a = BigIntValue(toInstant(one).ns());
    const b = BigIntValue(toInstant(two).ns());
    return a < b ? -1 : a > b ? 1 : 0;
  }
  get epochMilliseconds() {
    const ns = BigIntValue(thisInstant(this, "epochMilliseconds").ns());
    // Floor division: -1 ns is -1 ms.
    const ms = ns / 1000000n - (ns % 1000000n < 0n ? 1n : 0n);
    return Number(ms);
  }
  get epochNanoseconds() {
    return BigIntValue(thisInstant(this, "epochNanoseconds").ns());
  }
  add(duration) {
    const i = thisInstant(this, "add");
    return makeInstant(i.add(toDuration(duration)));
  }
  subtract(duration) {
    const i = thisInstant(this, "subtract");
    const d = toDuration(duration);
    return makeInstant(i.add(new NativeDuration(d.fields().map((v) => -v + 0))));
  }
  until(other, options = undefined) {
    return instantDifference(thisInstant(this, "until"), toInstant(other), false, options);
  }
  since(other, options = undefined) {
    return instantDifference(thisInstant(this, "since"), toInstant(other), true, options);
  }
  round(roundTo) {
    const i = thisInstant(this, "round");
    const o = roundOptions(roundTo, false);
    return makeInstant(i.round(o.smallest, o.mode, o.increment));
  }
  equals(other) {
    const i = thisInstant(this, "equals");
    return i.ns() === toInstant(other).ns();
  }
  toString(options = undefined) {
    const i = thisInstant(this, "toString");
    const opts = optionsObject(options);
    const o = toStringOptions(opts);
    const zone = opts.timeZone;
    return i.text(zone === undefined ? undefined : toTimeZone(zone), o.digits, o.smallest, o.mode);
  }
  toJSON() {
    return thisInstant(this, "toJSON").text(undefined, undefined, undefined, undefined);
  }
  toLocaleString(locales = undefined, options = undefined) {
    thisInstant(this, "toLocaleString");
    return new globalThis.Intl.DateTimeFormat(locales, options).format(this);
  }

  toZonedDateTimeISO(timeZone) {
    const i = thisInstant(this, "toZonedDateTimeISO");
    return makeZoned(native.instantInZone(i, toTimeZone(timeZone), "iso8601"));
  }
  valueOf() {
    noValueOf("Instant");
  }
}
finishClass(Instant, "Temporal.Instant");

// ---------------------------------------------------------------------------------------------
// Temporal.PlainYearMonth

const NativeYearMonth = native.PlainYearMonth;
const NativeMonthDay = native.PlainMonthDay;
const yearMonthSlots = new WeakMap();

function isPlainYearMonth(value) {
  return typeof value === "object" && value !== null && yearMonthSlots.has(value);
}

function thisYearMonth(value, method) {
  const slot = yearMonthSlots.get(value);
  if (slot === undefined) throw new TypeError(`Temporal.PlainYearMonth.prototype.${method} called on an object that is not a Temporal.PlainYearMonth`);
  return slot;
}

function makeYearMonth(nativeValue) {
  const out = ObjectCreate(PlainYearMonth.prototype);
  yearMonthSlots.set(out, nativeValue);
  return out;
}

const yearMonthInfos = new WeakMap();
function yearMonthInfo(value, method) {
  const slot = thisYearMonth(value, method);
  let info = yearMonthInfos.get(slot);
  if (info === undefined) {
    info = slot.info();
    yearMonthInfos.set(slot, info);
  }
  return info;
}

/** ToTemporalYearMonth. */
function toYearMonth(item, options) {
  if (typeof item === "object" && item !== null) {
    if (isPlainYearMonth(item)) {
      overflowOption(optionsObject(options));
      return yearMonthSlots.get(item);
    }
    const calendar = calendarFromBag(item);
    const fields = dateFieldsFromBag(item, calendar, false, false, "yearMonth");
    const overflow = overflowOption(optionsObject(options));
    return NativeYearMonth.fromFields(calendar, fields, overflow, undefined);
  }
  if (typeof item !== "string") throw new TypeError("Temporal: a year-month must be a PlainYearMonth, an object or a string");
  const parsed = NativeYearMonth.parse(item);
  overflowOption(optionsObject(options));
  return parsed;
}

function yearMonthDifference(a, b, since, options) {
  if (a.info().calendarId !== b.info().calendarId) throw new RangeError("Temporal: the year-months are in different calendars");
  const opts = optionsObject(options);
  const largest = unitOption(opts, "largestUnit", "date", "auto", ["auto"]);
  const increment = roundingIncrementOption(opts);
  const mode = roundingModeOption(opts, "trunc");
  const smallest = unitOption(opts, "smallestUnit", "date", "month");
  for (const unit of [largest, smallest]) {
    if (unit === "week" || unit === "day") throw new RangeError(`Temporal.PlainYearMonth: ${unit} is not allowed here`);
  }
  return makeDuration(a.difference(b, since, largest === "auto" ? undefined : largest, smallest, mode, increment));
}

class PlainYearMonth {
  constructor(isoYear, isoMonth, calendar = "iso8601", referenceISODay = 1) {
    if (new.target === undefined) throw new TypeError("Temporal.PlainYearMonth must be called with new");
    const y = toIntegerWithTruncation(isoYear);
    const m = toIntegerWithTruncation(isoMonth);
    if (typeof calendar !== "string") throw new TypeError("Temporal.PlainYearMonth: the calendar must be a string");
    const id = canonicalCalendar(calendar);
    const ref = referenceISODay === undefined ? 1 : toIntegerWithTruncation(referenceISODay);
    yearMonthSlots.set(this, new NativeYearMonth(y, m, id, ref));
  }
  static from(item, options = undefined) {
    return makeYearMonth(toYearMonth(item, options));
  }
  static compare(one, two) {
    return NativeYearMonth.compare(toYearMonth(one), toYearMonth(two));
  }
  with(temporalYearMonthLike, options = undefined) {
    const ym = thisYearMonth(this, "with");
    if (typeof temporalYearMonthLike !== "object" || temporalYearMonthLike === null) throw new TypeError("Temporal.PlainYearMonth.prototype.with: an object is required");
    rejectTemporalLike(temporalYearMonthLike);
    const calendar = ym.info().calendarId;
    const fields = dateFieldsFromBag(temporalYearMonthLike, calendar, false, true, "yearMonth");
    const overflow = overflowOption(optionsObject(options));
    return makeYearMonth(NativeYearMonth.fromFields(calendar, fields, overflow, ym));
  }
  add(duration, options = undefined) {
    const ym = thisYearMonth(this, "add");
    const dur = toDuration(duration);
    const overflow = overflowOption(optionsObject(options));
    return makeYearMonth(ym.add(dur, overflow));
  }
  subtract(duration, options = undefined) {
    const ym = thisYearMonth(this, "subtract");
    const dur = toDuration(duration);
    const overflow = overflowOption(optionsObject(options));
    return makeYearMonth(ym.add(new NativeDuration(dur.fields().map((v) => -v + 0)), overflow));
  }
  until(other, options = undefined) {
    return yearMonthDifference(thisYearMonth(this, "until"), toYearMonth(other), false, options);
  }
  since(other, options = undefined) {
    return yearMonthDifference(thisYearMonth(this, "since"), toYearMonth(other), true, options);
  }
  equals(other) {
    const ym = thisYearMonth(this, "equals");
    const o = toYearMonth(other);
    return NativeYearMonth.compare(ym, o) === 0 && ym.info().calendarId === o.info().calendarId;
  }
  toPlainDate(item) {
    const ym = thisYearMonth(this, "toPlainDate");
    if (typeof item !== "object" || item === null) throw new TypeError("Temporal.PlainYearMonth.prototype.toPlainDate: an object with a day is required");
    const calendar = ym.info().calendarId;
    const fields = dateFieldsFromBag(item, calendar, false, false, "day");
    return makeDate(ym.toDate(fields));
  }
  toString(options = undefined) {
    const ym = thisYearMonth(this, "toString");
    const opts = optionsObject(options);
    return ym.text(getOption(opts, "calendarName", ["auto", "always", "never", "critical"], "auto"));
  }
  toJSON() {
    return thisYearMonth(this, "toJSON").text("auto");
  }
  toLocaleString(locales = undefined, options = undefined) {
    thisYearMonth(this, "toLocaleString");
    return new globalThis.Intl.DateTimeFormat(locales, options).format(this);
  }

  valueOf() {
    noValueOf("PlainYearMonth");
  }
}
finishClass(PlainYearMonth, "Temporal.PlainYearMonth");
defineInfoGetters(PlainYearMonth.prototype, yearMonthInfo, ["calendarId", "era", "eraYear", "year", "month", "monthCode", "daysInYear", "daysInMonth", "monthsInYear", "inLeapYear"]);

// ---------------------------------------------------------------------------------------------
// Temporal.PlainMonthDay

const monthDaySlots = new WeakMap();

function isPlainMonthDay(value) {
  return typeof value === "object" && value !== null && monthDaySlots.has(value);
}

function thisMonthDay(value, method) {
  const slot = monthDaySlots.get(value);
  if (slot === undefined) throw new TypeError(`Temporal.PlainMonthDay.prototype.${method} called on an object that is not a Temporal.PlainMonthDay`);
  return slot;
}

function makeMonthDay(nativeValue) {
  const out = ObjectCreate(PlainMonthDay.prototype);
  monthDaySlots.set(out, nativeValue);
  return out;
}

/** ToTemporalMonthDay. */
function toMonthDay(item, options) {
  if (typeof item === "object" && item !== null) {
    if (isPlainMonthDay(item)) {
      overflowOption(optionsObject(options));
      return monthDaySlots.get(item);
    }
    const calendar = calendarFromBag(item);
    const fields = dateFieldsFromBag(item, calendar, false, false, "monthDay");
    const overflow = overflowOption(optionsObject(options));
    return NativeMonthDay.fromFields(calendar, fields, overflow, undefined);
  }
  if (typeof item !== "string") throw new TypeError("Temporal: a month-day must be a PlainMonthDay, an object or a string");
  const parsed = NativeMonthDay.parse(item);
  overflowOption(optionsObject(options));
  return parsed;
}

class PlainMonthDay {
  constructor(isoMonth, isoDay, calendar = "iso8601", referenceISOYear = 1972) {
    if (new.target === undefined) throw new TypeError("Temporal.PlainMonthDay must be called with new");
    const m = toIntegerWithTruncation(isoMonth);
    const d = toIntegerWithTruncation(isoDay);
    if (typeof calendar !== "string") throw new TypeError("Temporal.PlainMonthDay: the calendar must be a string");
    const id = canonicalCalendar(calendar);
    const ref = referenceISOYear === undefined ? 1972 : toIntegerWithTruncation(referenceISOYear);
    monthDaySlots.set(this, new NativeMonthDay(m, d, id, ref));
  }
  static from(item, options = undefined) {
    return makeMonthDay(toMonthDay(item, options));
  }
  get calendarId() { return thisMonthDay(this, "calendarId").info().calendarId; }
  get monthCode() { return thisMonthDay(this, "monthCode").info().monthCode; }
  get day() { return thisMonthDay(this, "day").info().day; }
  with(temporalMonthDayLike, options = undefined) {
    const md = thisMonthDay(this, "with");
    if (typeof temporalMonthDayLike !== "object" || temporalMonthDayLike === null) throw new TypeError("Temporal.PlainMonthDay.prototype.with: an object is required");
    rejectTemporalLike(temporalMonthDayLike);
    const calendar = md.info().calendarId;
    const fields = dateFieldsFromBag(temporalMonthDayLike, calendar, false, true, "monthDay");
    const overflow = overflowOption(optionsObject(options));
    return makeMonthDay(NativeMonthDay.fromFields(calendar, fields, overflow, md));
  }
  equals(other) {
    const md = thisMonthDay(this, "equals");
    const o = toMonthDay(other);
    const a = md.iso();
    const b = o.iso();
    return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && md.info().calendarId === o.info().calendarId;
  }
  toPlainDate(item) {
    const md = thisMonthDay(this, "toPlainDate");
    if (typeof item !== "object" || item === null) throw new TypeError("Temporal.PlainMonthDay.prototype.toPlainDate: an object with a year is required");
    const calendar = md.info().calendarId;
    const fields = dateFieldsFromBag(item, calendar, false, false, "year");
    return makeDate(md.toDate(fields));
  }
  toString(options = undefined) {
    const md = thisMonthDay(this, "toString");
    const opts = optionsObject(options);
    return md.text(getOption(opts, "calendarName", ["auto", "always", "never", "critical"], "auto"));
  }
  toJSON() {
    return thisMonthDay(this, "toJSON").text("auto");
  }
  toLocaleString(locales = undefined, options = undefined) {
    thisMonthDay(this, "toLocaleString");
    return new globalThis.Intl.DateTimeFormat(locales, options).format(this);
  }

  valueOf() {
    noValueOf("PlainMonthDay");
  }
}
finishClass(PlainMonthDay, "Temporal.PlainMonthDay");

// ---------------------------------------------------------------------------------------------
// Temporal.ZonedDateTime

const NativeZoned = native.ZonedDateTime;
const zonedSlots = new WeakMap();

function isZonedDateTime(value) {
  return typeof value === "object" && value !== null && zonedSlots.has(value);
}

function zonedSlot(value) {
  return zonedSlots.get(value);
}

function thisZoned(value, method) {
  const slot = zonedSlots.get(value);
  if (slot === undefined) throw new TypeError(`Temporal.ZonedDateTime.prototype.${method} called on an object that is not a Temporal.ZonedDateTime`);
  return slot;
}

function makeZoned(nativeValue) {
  const out = ObjectCreate(ZonedDateTime.prototype);
  zonedSlots.set(out, nativeValue);
  return out;
}

/** ToTemporalTimeZoneIdentifier: a ZonedDateTime's zone, an identifier, or an ISO string's. */
function toTimeZone(value) {
  if (isZonedDateTime(value)) return zonedSlot(value).zone();
  if (typeof value !== "string") throw new TypeError("Temporal: a time zone must be a string");
  return native.zoneId(value, false);
}

function disambiguationOption(options) {
  return getOption(options, "disambiguation", ["compatible", "earlier", "later", "reject"], "compatible");
}

function offsetOption(options, fallback) {
  return getOption(options, "offset", ["prefer", "use", "ignore", "reject"], fallback);
}

/** The zoned fields of a property bag (PrepareCalendarFields with time, offset, timeZone). */
function zonedFieldsFromBag(item, calendar, partial) {
  const fields = dateFieldsFromBag(item, calendar, "zoned", partial);
  if (fields.timeZone !== undefined) fields.timeZone = toTimeZone(fields.timeZone);
  return fields;
}

/** ToTemporalZonedDateTime. */
function toZoned(item, options) {
  if (typeof item === "object" && item !== null) {
    if (isZonedDateTime(item)) {
      const opts = optionsObject(options);
      disambiguationOption(opts);
      offsetOption(opts, "reject");
      overflowOption(opts);
      return zonedSlot(item);
    }
    const calendar = calendarFromBag(item);
    const fields = zonedFieldsFromBag(item, calendar, false);
    if (fields.timeZone === undefined) throw new TypeError("Temporal: timeZone is required");
    const opts = optionsObject(options);
    const disambiguation = disambiguationOption(opts);
    const offset = offsetOption(opts, "reject");
    const overflow = overflowOption(opts);
    return NativeZoned.fromFields(calendar, fields, fields.time, fields.offset, fields.timeZone, overflow, disambiguation, offset, undefined);
  }
  if (typeof item !== "string") throw new TypeError("Temporal: a zoned date-time must be a ZonedDateTime, an object or a string");
  // The string's syntax is checked before the options are read.
  let parsed;
  try {
    parsed = NativeZoned.parse(item, "compatible", "use");
  } catch (e) {
    if (!(e instanceof RangeError) || !/offset/i.test(e.message)) throw e;
  }
  const opts = optionsObject(options);
  const disambiguation = disambiguationOption(opts);
  const offset = offsetOption(opts, "reject");
  overflowOption(opts);
  if (parsed !== undefined && disambiguation === "compatible" && offset === "use") return parsed;
  return NativeZoned.parse(item, disambiguation, offset);
}

const zonedInfos = new WeakMap();
function zonedInfo(value, method) {
  const slot = thisZoned(value, method);
  let info = zonedInfos.get(slot);
  if (info === undefined) {
    const dt = slot.dateTime();
    info = dt.date().info();
    const iso = dt.iso();
    info.hour = iso[3];
    info.minute = iso[4];
    info.second = iso[5];
    info.millisecond = iso[6];
    info.microsecond = iso[7];
    info.nanosecond = iso[8];
    zonedInfos.set(slot, info);
  }
  return info;
}

class ZonedDateTime {
  constructor(epochNanoseconds, timeZone, calendar = "iso8601") {
    if (new.target === undefined) throw new TypeError("Temporal.ZonedDateTime must be called with new");
    const ns = toBigInt(epochNanoseconds);
    if (typeof timeZone !== "string") throw new TypeError("Temporal.ZonedDateTime: the time zone must be a string");
    const zone = native.zoneId(timeZone, true);
    if (typeof calendar !== "string") throw new TypeError("Temporal.ZonedDateTime: the calendar must be a string");
    const id = canonicalCalendar(calendar);
    zonedSlots.set(this, new NativeZoned(`${ns}`, zone, id));
  }
  static from(item, options = undefined) {
    return makeZoned(toZoned(item, options));
  }
  static compare(one, two) {
    const a = BigIntValue(toZoned(one).ns());
    const b = BigIntValue(toZoned(two).ns());
    return a < b ? -1 : a > b ? 1 : 0;
  }
  get timeZoneId() { return thisZoned(this, "timeZoneId").zone(); }
  get epochMilliseconds() {
    const ns = BigIntValue(thisZoned(this, "epochMilliseconds").ns());
    return Number(ns / 1000000n - (ns % 1000000n < 0n ? 1n : 0n));
  }
  get epochNanoseconds() { return BigIntValue(thisZoned(this, "epochNanoseconds").ns()); }
  get hoursInDay() { return thisZoned(this, "hoursInDay").hoursInDay(); }
  get offsetNanoseconds() { return thisZoned(this, "offsetNanoseconds").offsetNanoseconds(); }
  get offset() { return thisZoned(this, "offset").offset(); }
  with(temporalZonedDateTimeLike, options = undefined) {
    const z = thisZoned(this, "with");
    if (typeof temporalZonedDateTimeLike !== "object" || temporalZonedDateTimeLike === null) throw new TypeError("Temporal.ZonedDateTime.prototype.with: an object is required");
    rejectTemporalLike(temporalZonedDateTimeLike);
    const calendar = z.date().info().calendarId;
    const fields = dateFieldsFromBag(temporalZonedDateTimeLike, calendar, "zoned", true);
    const opts = optionsObject(options);
    const disambiguation = disambiguationOption(opts);
    const offset = offsetOption(opts, "prefer");
    const overflow = overflowOption(opts);
    return makeZoned(NativeZoned.fromFields(calendar, fields, fields.time, fields.offset, undefined, overflow, disambiguation, offset, z));
  }
  withPlainTime(plainTimeLike = undefined) {
    const z = thisZoned(this, "withPlainTime");
    return makeZoned(z.withTime(toTimeOrUndefined(plainTimeLike)));
  }
  withTimeZone(timeZoneLike) {
    const z = thisZoned(this, "withTimeZone");
    return makeZoned(z.withZone(toTimeZone(timeZoneLike)));
  }
  withCalendar(calendar) {
    const z = thisZoned(this, "withCalendar");
    if (calendar === undefined) throw new TypeError("Temporal.ZonedDateTime.prototype.withCalendar: a calendar is required");
    return makeZoned(z.withCalendar(calendarIdentifier(calendar)));
  }
  add(duration, options = undefined) {
    const z = thisZoned(this, "add");
    const dur = toDuration(duration);
    const overflow = overflowOption(optionsObject(options));
    return makeZoned(z.add(dur, overflow));
  }
  subtract(duration, options = undefined) {
    const z = thisZoned(this, "subtract");
    const dur = toDuration(duration);
    const overflow = overflowOption(optionsObject(options));
    return makeZoned(z.add(new NativeDuration(dur.fields().map((v) => -v + 0)), overflow));
  }
  until(other, options = undefined) {
    const z = thisZoned(this, "until");
    const o = toZoned(other);
    sameCalendar(z.date(), o.date());
    return difference(z, o, false, options, "datetime", "nanosecond");
  }
  since(other, options = undefined) {
    const z = thisZoned(this, "since");
    const o = toZoned(other);
    sameCalendar(z.date(), o.date());
    return difference(z, o, true, options, "datetime", "nanosecond");
  }
  round(roundTo) {
    const z = thisZoned(this, "round");
    const o = roundOptions(roundTo, true);
    return makeZoned(z.round(o.smallest, o.mode, o.increment));
  }
  equals(other) {
    const z = thisZoned(this, "equals");
    return z.equals(toZoned(other));
  }
  toString(options = undefined) {
    const z = thisZoned(this, "toString");
    const opts = optionsObject(options);
    const calendarName = getOption(opts, "calendarName", ["auto", "always", "never", "critical"], "auto");
    const digits = fractionalSecondDigitsOption(opts);
    const offset = getOption(opts, "offset", ["auto", "never"], "auto");
    const mode = roundingModeOption(opts, "trunc");
    const smallest = unitOption(opts, "smallestUnit", "time", undefined);
    if (smallest === "hour") throw new RangeError("Temporal: smallestUnit cannot be hour here");
    const zoneName = getOption(opts, "timeZoneName", ["auto", "never", "critical"], "auto");
    return z.text(digits, smallest, mode, calendarName, offset, zoneName);
  }
  toJSON() {
    return thisZoned(this, "toJSON").text(undefined, undefined, undefined, "auto", "auto", "auto");
  }
  toLocaleString(locales = undefined, options = undefined) {
    const z = thisZoned(this, "toLocaleString");
    // The format's time zone is the object's own; the defaults show date, time and zone.
    const opts = ObjectCreate(null);
    if (options !== undefined) {
      if (options !== null && options.timeZone !== undefined) throw new TypeError("Temporal.ZonedDateTime.prototype.toLocaleString: the time zone is the object's own");
      for (const key in Object(options)) opts[key] = options[key];
    }
    opts.timeZone = z.zone();
    const FIELDS = ["weekday", "era", "year", "month", "day", "dayPeriod", "hour", "minute", "second", "fractionalSecondDigits", "dateStyle", "timeStyle"];
    let any = false;
    for (let i = 0; i < FIELDS.length; i++) if (opts[FIELDS[i]] !== undefined) any = true;
    if (!any) {
      opts.year = "numeric";
      opts.month = "numeric";
      opts.day = "numeric";
      opts.hour = "numeric";
      opts.minute = "numeric";
      opts.second = "numeric";
      if (opts.timeZoneName === undefined) opts.timeZoneName = "short";
    }
    return new globalThis.Intl.DateTimeFormat(locales, opts).format(this.epochMilliseconds);
  }

  valueOf() {
    noValueOf("ZonedDateTime");
  }
  startOfDay() {
    return makeZoned(thisZoned(this, "startOfDay").startOfDay());
  }
  getTimeZoneTransition(directionParam) {
    const z = thisZoned(this, "getTimeZoneTransition");
    if (directionParam === undefined) throw new TypeError("Temporal.ZonedDateTime.prototype.getTimeZoneTransition: a direction is required");
    let opts;
    if (typeof directionParam === "string") {
      opts = ObjectCreate(null);
      opts.direction = directionParam;
    } else {
      opts = optionsObject(directionParam);
    }
    const direction = getOption(opts, "direction", ["next", "previous"], REQUIRED);
    const found = z.transition(direction === "next");
    return found === undefined || found === null ? null : makeZoned(found);
  }
  toInstant() {
    return makeInstant(thisZoned(this, "toInstant").instant());
  }
  toPlainDate() {
    return makeDate(thisZoned(this, "toPlainDate").date());
  }
  toPlainTime() {
    return makeTime(thisZoned(this, "toPlainTime").time());
  }
  toPlainDateTime() {
    return makeDateTime(thisZoned(this, "toPlainDateTime").dateTime());
  }
}
finishClass(ZonedDateTime, "Temporal.ZonedDateTime");
defineInfoGetters(ZonedDateTime.prototype, zonedInfo, ["calendarId", "era", "eraYear", "year", "month", "monthCode", "day", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond", "dayOfWeek", "dayOfYear", "weekOfYear", "yearOfWeek", "daysInWeek", "daysInMonth", "daysInYear", "monthsInYear", "inLeapYear"]);

// ---------------------------------------------------------------------------------------------
// Temporal.Now

function systemTimeZone() {
  return new globalThis.Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function nowDateTime(timeZone) {
  const zone = timeZone === undefined ? systemTimeZone() : toTimeZone(timeZone);
  return native.instantInZone(new NativeInstant(native.nowNs()), zone, "iso8601").dateTime();
}

const Now = {};
for (const [name, fn, length] of [
  ["instant", () => makeInstant(new NativeInstant(native.nowNs())), 0],
  ["timeZoneId", () => systemTimeZone(), 0],
  ["plainDateTimeISO", (timeZone = undefined) => makeDateTime(nowDateTime(timeZone)), 0],
  ["plainDateISO", (timeZone = undefined) => makeDate(nowDateTime(timeZone).date()), 0],
  ["plainTimeISO", (timeZone = undefined) => makeTime(nowDateTime(timeZone).time()), 0],
  ["zonedDateTimeISO", (timeZone = undefined) => makeZoned(native.instantInZone(new NativeInstant(native.nowNs()), timeZone === undefined ? systemTimeZone() : toTimeZone(timeZone), "iso8601")), 0],
]) {
  const method = { [name](...args) { return fn(...args); } }[name];
  defineProperty(method, "length", { value: length, configurable: true });
  defineProperty(Now, name, { value: method, writable: true, enumerable: false, configurable: true });
}
defineTag(Now, "Temporal.Now");

// ---------------------------------------------------------------------------------------------
// The Temporal object

const Temporal = {};
for (const [name, value] of [
  ["Duration", Duration],
  ["Instant", Instant],
  ["Now", Now],
  ["PlainDate", PlainDate],
  ["PlainDateTime", PlainDateTime],
  ["PlainTime", PlainTime],
  ["PlainYearMonth", PlainYearMonth],
  ["PlainMonthDay", PlainMonthDay],
  ["ZonedDateTime", ZonedDateTime],
]) {
  defineProperty(Temporal, name, { value, writable: true, enumerable: false, configurable: true });
}
defineTag(Temporal, "Temporal");

/** Milliseconds since the epoch of ISO fields read as UTC, by arithmetic (any year). */
function utcMs(y, m, d, h = 0, mi = 0, sec = 0, ms = 0) {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return days * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 + ms;
}

/** For Intl.DateTimeFormat: a Temporal value's kind, calendar and time as epoch ms. */
temporalHooks.record = (x) => {
  if (isPlainDate(x)) {
    const d = dateSlot(x);
    const [y, m, day] = d.iso();
    return { kind: "plainDate", calendar: d.info().calendarId, ms: utcMs(y, m, day, 12) };
  }
  if (isPlainDateTime(x)) {
    const dt = dateTimeSlot(x);
    const [y, m, d, h, mi, s, ms] = dt.iso();
    return { kind: "plainDateTime", calendar: dt.date().info().calendarId, ms: utcMs(y, m, d, h, mi, s, ms) };
  }
  if (isPlainTime(x)) {
    const [h, mi, s, ms] = timeSlot(x).fields();
    return { kind: "plainTime", calendar: "iso8601", ms: utcMs(1970, 1, 1, h, mi, s, ms) };
  }
  if (isPlainYearMonth(x)) {
    const ym = yearMonthSlots.get(x);
    const [y, m, d] = ym.iso();
    return { kind: "plainYearMonth", calendar: ym.info().calendarId, ms: utcMs(y, m, d, 12) };
  }
  if (isPlainMonthDay(x)) {
    const md = monthDaySlots.get(x);
    const [y, m, d] = md.iso();
    return { kind: "plainMonthDay", calendar: md.info().calendarId, ms: utcMs(y, m, d, 12) };
  }
  if (isInstant(x)) {
    const ns = BigIntValue(instantSlots.get(x).ns());
    return { kind: "instant", calendar: "iso8601", ms: Number(ns / 1000000n - (ns % 1000000n < 0n ? 1n : 0n)) };
  }
  if (isZonedDateTime(x)) return { kind: "zonedDateTime", calendar: "iso8601", ms: 0 };
  return undefined;
};

/** `Date.prototype.toTemporalInstant`. */
function dateToInstant(ms) {
  return makeInstant(new NativeInstant(`${BigIntValue(ms) * 1000000n}`));
}

export { Temporal, dateToInstant };
