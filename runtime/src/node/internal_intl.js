// `Intl` (ECMA-402): the option processing and the objects, in the order the specification
// reads options (test262 observes it); the locale data and the algorithms are native, on
// ICU4X (`src/intl/`). Loaded the first time an app touches `Intl` or `localeCompare`.
//
import { intlNatives, temporalHooks } from "edge:bootstrap";

const native = intlNatives();

// ---------------------------------------------------------------------------------------------
// Abstract operations (ECMA-402 §9)

/** Whether `value` is an `Intl.Locale` (its state is kept in `locales`). */
function isLocale(value) {
  return typeof value === "object" && value !== null && localeStates.has(value);
}

/** CanonicalizeLocaleList: the request as a list of canonical, distinct tags. */
function canonicalizeLocaleList(locales) {
  if (locales === undefined) return [];
  const seen = [];
  let list;
  if (typeof locales === "string" || isLocale(locales)) {
    list = [locales];
  } else {
    if (locales === null) throw new TypeError("Intl: locales is null");
    list = Object(locales);
  }
  const length = toLength(list.length);
  for (let k = 0; k < length; k++) {
    const key = String(k);
    if (!(key in list)) continue;
    const value = list[key];
    if (typeof value !== "string" && (typeof value !== "object" || value === null)) {
      throw new TypeError(`Intl: a locale must be a string or an object, not ${value === null ? "null" : typeof value}`);
    }
    const tag = isLocale(value) ? localeStates.get(value).tag : `${value}`;
    const canonical = canonicalizeKeywords(native.canonicalize(tag));
    if (indexOf(seen, canonical) === -1) seen[seen.length] = canonical;
  }
  return seen;
}

/** The index of `value` in `list`, without the app's (possibly replaced) array methods. */
function indexOf(list, value) {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return i;
  return -1;
}

/** CLDR's aliases for `-u-` keyword values that ICU4X's canonicalizer leaves as they are. */
const KEYWORD_ALIASES = {
  ca: { "ethiopic-amete-alem": "ethioaa", islamicc: "islamic-civil" },
  ks: { primary: "level1", tertiary: "level3" },
  ms: { imperial: "uksystem" },
  tz: {
    aqams: "nzakl", cnckg: "cnsha", cnhrb: "cnsha", cnkhg: "cnurc", cuba: "cuhav", egypt: "egcai",
    eire: "iedub", est: "papty", gmt0: "gmt", hongkong: "hkhkg", hst: "ushnl", iceland: "isrey",
    iran: "irthr", israel: "jeruslm", jamaica: "jmkin", japan: "jptyo", libya: "lytip",
    mst: "usphx", navajo: "usden", poland: "plwaw", portugal: "ptlis", prc: "cnsha", roc: "twtpe",
    rok: "krsel", turkey: "trist", uct: "utc", usnavajo: "usden", zulu: "utc",
  },
};
const YES_KEYS = ["kb", "kc", "kh", "kk", "kn"];

function canonicalizeKeywords(tag) {
  const at = tag.indexOf("-u-");
  if (at === -1) return tag;
  const privateUse = tag.indexOf("-x-");
  const end = privateUse === -1 ? tag.length : privateUse;
  const parts = tag.slice(at + 3, end).split("-");
  let changed = false;
  const out = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.length !== 2) {
      out[out.length] = part;
      continue;
    }
    let j = i + 1;
    while (j < parts.length && parts[j].length > 2) j++;
    const value = parts.slice(i + 1, j).join("-");
    let next = KEYWORD_ALIASES[part]?.[value] ?? value;
    if (next === "yes" && indexOf(YES_KEYS, part) !== -1) next = "true";
    if (next === "true") next = "";
    if (next !== value) changed = true;
    out[out.length] = next === "" ? part : `${part}-${next}`;
    i = j - 1;
  }
  if (!changed) return tag;
  return `${tag.slice(0, at + 3)}${out.join("-")}${tag.slice(end)}`;
}

function toLength(value) {
  const n = Math.trunc(Number(value));
  if (!(n > 0)) return 0;
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

/** GetOption: one option, coerced, checked against its allowed values. */
function getOption(options, property, type, values, fallback) {
  let value = options[property];
  if (value === undefined) return fallback;
  if (type === "boolean") value = Boolean(value);
  else value = `${value}`;
  if (values !== undefined && indexOf(values, value) === -1) {
    throw new RangeError(`Intl: ${property} must be one of ${values.join(", ")}, not ${value}`);
  }
  return value;
}

/** GetNumberOption / DefaultNumberOption. */
function getNumberOption(options, property, minimum, maximum, fallback) {
  return defaultNumberOption(options[property], minimum, maximum, fallback, property);
}

function defaultNumberOption(value, minimum, maximum, fallback, property) {
  if (value === undefined) return fallback;
  const n = +value;
  if (Number.isNaN(n) || n < minimum || n > maximum) {
    throw new RangeError(`Intl: ${property} must be between ${minimum} and ${maximum}`);
  }
  return Math.floor(n);
}

/** CoerceOptionsToObject. */
function coerceOptions(options) {
  if (options === undefined) return Object.create(null);
  if (options === null) throw new TypeError("Intl: options must not be null");
  return Object(options);
}

/** GetOptionsObject: undefined or an object, nothing else. */
function optionsObject(options) {
  if (options === undefined) return Object.create(null);
  if (typeof options === "object" && options !== null) return options;
  if (typeof options === "function") return options;
  throw new TypeError("Intl: options must be an object");
}

let defaultLocaleTag;
function defaultLocale() {
  if (defaultLocaleTag === undefined) defaultLocaleTag = native.defaultLocale;
  return defaultLocaleTag;
}

const UNICODE_EXTENSION = /-u(?:-[0-9a-z]{2,8})+/;

function removeUnicodeExtension(tag) {
  const privateUse = tag.indexOf("-x-");
  const head = privateUse === -1 ? tag : tag.slice(0, privateUse);
  const tail = privateUse === -1 ? "" : tag.slice(privateUse);
  return head.replace(UNICODE_EXTENSION, "") + tail;
}

function unicodeExtension(tag) {
  const privateUse = tag.indexOf("-x-");
  const head = privateUse === -1 ? tag : tag.slice(0, privateUse);
  const match = UNICODE_EXTENSION.exec(head);
  return match === null ? undefined : match[0];
}

/** BestAvailableLocale: the longest prefix of `tag` the data covers. */
function bestAvailableLocale(tag) {
  let candidate = tag;
  for (;;) {
    if (native.isSupported(candidate)) return candidate;
    let pos = candidate.lastIndexOf("-");
    if (pos === -1) return undefined;
    if (pos >= 2 && candidate[pos - 2] === "-") pos -= 2;
    candidate = candidate.slice(0, pos);
  }
}

/** LookupMatcher (also used for "best fit"). */
function lookupMatcher(requested) {
  for (const locale of requested) {
    const bare = removeUnicodeExtension(locale);
    const available = bestAvailableLocale(bare);
    if (available !== undefined) return found(available, unicodeExtension(locale));
  }
  return found(defaultLocale(), undefined);
}

function found(locale, extension) {
  const out = Object.create(null);
  out.locale = locale;
  out.extension = extension;
  return out;
}

/** UnicodeExtensionValue: a key's value in a `-u-` extension ("" for a key without one). */
function unicodeExtensionValue(extension, key) {
  const parts = extension.split("-").slice(2);
  const at = parts.indexOf(key);
  if (at === -1) return undefined;
  const values = [];
  for (let j = at + 1; j < parts.length && parts[j].length > 2; j++) values.push(parts[j]);
  return values.join("-");
}

function insertExtension(locale, extension) {
  const privateUse = locale.indexOf("-x-");
  if (privateUse === -1) return locale + extension;
  return locale.slice(0, privateUse) + extension + locale.slice(privateUse);
}

/**
 * ResolveLocale: the locale, and for each relevant key its value from the locale's data, the
 * tag's `-u-` extension and the options (which win), with the extension keeping only what was
 * taken from it.
 */
function resolveLocale(requested, options, keys, localeData) {
  const found = lookupMatcher(requested);
  const result = Object.create(null);
  result.dataLocale = found.locale;
  let supportedExtension = "-u";
  for (const key of keys) {
    const keyData = localeData(found.locale, key);
    let value = keyData[0];
    let addition = "";
    if (found.extension !== undefined) {
      const requestedValue = unicodeExtensionValue(found.extension, key);
      if (requestedValue !== undefined) {
        if (requestedValue !== "") {
          if (indexOf(keyData, requestedValue) !== -1) {
            value = requestedValue;
            addition = `-${key}-${value}`;
          }
        } else if (indexOf(keyData, "true") !== -1) {
          value = "true";
          addition = `-${key}`;
        }
      }
    }
    if (key in options) {
      let optionsValue = options[key];
      if (optionsValue !== undefined) {
        if (typeof optionsValue === "string" && optionsValue === "") optionsValue = "true";
        if (indexOf(keyData, optionsValue) !== -1 && optionsValue !== value) {
          value = optionsValue;
          addition = "";
        }
      }
    }
    result[key] = value;
    supportedExtension += addition;
  }
  result.locale = supportedExtension.length > 2 ? insertExtension(found.locale, supportedExtension) : found.locale;
  return result;
}

/** SupportedLocales: the requested tags the data covers. */
function supportedLocales(requested, options) {
  const opts = coerceOptions(options);
  getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
  const out = [];
  for (let i = 0; i < requested.length; i++) {
    const locale = requested[i];
    if (bestAvailableLocale(removeUnicodeExtension(locale)) !== undefined) out[out.length] = locale;
  }
  return out;
}

/** CreateDataProperty: an own property, whatever accessors the app put on Object.prototype. */
function createData(target, key, value) {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Defines `fn` (a method, so not a constructor, as built-in functions are) on `target`. */
function defineMethod(target, name, fn, length) {
  if (Object.prototype.hasOwnProperty.call(fn, "prototype")) throw new Error(`intl: ${String(name)} must be a method`);
  Object.defineProperty(fn, "name", {
    value: typeof name === "symbol" ? `[${name.description}]` : name,
    configurable: true,
  });
  Object.defineProperty(fn, "length", { value: length, configurable: true });
  Object.defineProperty(target, name, { value: fn, writable: true, enumerable: false, configurable: true });
}

/** A method-definition function: not a constructor, no `prototype`. */
function method(fn) {
  return {
    m(...args) {
      return fn.apply(this, args);
    },
  }.m;
}

function defineTag(proto, tag) {
  Object.defineProperty(proto, Symbol.toStringTag, { value: tag, writable: false, enumerable: false, configurable: true });
}

function supportedLocalesOf(ctor) {
  defineMethod(
    ctor,
    "supportedLocalesOf",
    {
      supportedLocalesOf(locales, options = undefined) {
        return supportedLocales(canonicalizeLocaleList(locales), options);
      },
    }.supportedLocalesOf,
    1,
  );
}

/**
 * `format` (a getter of a bound function), `formatToParts`, `formatRange` and
 * `formatRangeToParts` of a formatter prototype: `convert` reads the argument, `partition`
 * makes the parts; `range` says how a range is checked and joined.
 */
function defineFormatMethods(proto, name, stateOf, convert, partition, range) {
  const join = (parts) => {
    let out = "";
    for (let i = 0; i < parts.length; i++) out += parts[i].value;
    return out;
  };
  const ends = (state, method, start, end) => {
    if (start === undefined || end === undefined) {
      throw new TypeError(`Intl.${name}.prototype.${method}: start and end are required`);
    }
    const x = convert(start);
    const y = convert(end);
    range.checkRange(x, y);
    return [partition(state, x), partition(state, y)];
  };
  Object.defineProperty(proto, "format", {
    get: Object.getOwnPropertyDescriptor(
      {
        get format() {
          const state = stateOf(this, "format");
          if (state.bound === undefined) state.bound = (value) => join(partition(state, convert(value)));
          return state.bound;
        },
      },
      "format",
    ).get,
    enumerable: false,
    configurable: true,
  });
  defineMethod(
    proto,
    "formatToParts",
    method(function (value) {
      return partition(stateOf(this, "formatToParts"), convert(value));
    }),
    1,
  );
  defineMethod(
    proto,
    "formatRange",
    method(function (start, end) {
      const [a, b] = ends(stateOf(this, "formatRange"), "formatRange", start, end);
      const x = join(a);
      const y = join(b);
      return x === y ? range.same(x) : `${x}${range.separator(x, y)}${y}`;
    }),
    2,
  );
  defineMethod(
    proto,
    "formatRangeToParts",
    method(function (start, end) {
      const [a, b] = ends(stateOf(this, "formatRangeToParts"), "formatRangeToParts", start, end);
      const out = [];
      // Ends that format alike are one date, shared.
      if (join(a) === join(b)) {
        for (const p of a) out.push({ ...p, source: "shared" });
        return out;
      }
      for (const p of a) out.push({ ...p, source: "startRange" });
      out.push({ type: "literal", value: range.separator(join(a), join(b)), source: "shared" });
      for (const p of b) out.push({ ...p, source: "endRange" });
      return out;
    }),
    2,
  );
}

// ---------------------------------------------------------------------------------------------
// Intl.Collator (§10)

const TYPE_PATTERN = /^[0-9a-z]{3,8}(?:-[0-9a-z]{3,8})*$/i;

/** The collations a locale has besides its default (never "standard" or "search"). */
function collationsOf(locale) {
  const language = locale.split("-")[0];
  const extra = {
    de: ["phonebk"],
    es: ["trad"],
    zh: ["pinyin", "stroke", "zhuyin", "unihan"],
    ja: ["unihan"],
    ko: ["searchjl", "unihan"],
    sv: ["trad"],
    hi: ["direct"],
  }[language];
  return [...(extra ?? []), "emoji", "eor"];
}

function collatorLocaleData(locale, key) {
  switch (key) {
    case "co":
      return [null, ...collationsOf(locale)];
    case "kn":
      return ["false", "true"];
    case "kf": {
      const language = locale.split("-")[0];
      return language === "da" || language === "mt" ? ["upper", "false", "lower"] : ["false", "lower", "upper"];
    }
  }
  return [null];
}

const collators = new WeakMap();

function Collator(locales = undefined, options = undefined) {
  const target = new.target === undefined ? Collator : new.target;
  const proto = Object(target.prototype) === target.prototype ? target.prototype : CollatorPrototype;
  const collator = Object.create(proto);
  const requested = canonicalizeLocaleList(locales);
  const opts = coerceOptions(options);
  const usage = getOption(opts, "usage", "string", ["sort", "search"], "sort");
  const opt = Object.create(null);
  getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
  const collation = getOption(opts, "collation", "string", undefined, undefined);
  if (collation !== undefined && !TYPE_PATTERN.test(collation)) {
    throw new RangeError(`Intl.Collator: invalid collation ${collation}`);
  }
  opt.co = collation;
  let numeric = getOption(opts, "numeric", "boolean", undefined, undefined);
  if (numeric !== undefined) numeric = String(numeric);
  opt.kn = numeric;
  opt.kf = getOption(opts, "caseFirst", "string", ["upper", "lower", "false"], undefined);
  const r = resolveLocale(requested, opt, ["co", "kn", "kf"], collatorLocaleData);
  let sensitivity = getOption(opts, "sensitivity", "string", ["base", "accent", "case", "variant"], undefined);
  if (sensitivity === undefined) sensitivity = "variant";
  let ignorePunctuation = getOption(opts, "ignorePunctuation", "boolean", undefined, undefined);
  const state = {
    locale: r.locale,
    usage,
    sensitivity,
    ignorePunctuation,
    collation: r.co === null ? "default" : r.co,
    numeric: r.kn === "true",
    caseFirst: r.kf,
    bound: undefined,
    engine: undefined,
  };
  const engine = new native.Collation(
    r.co === null ? r.dataLocale : `${r.dataLocale}-u-co-${r.co}`,
    usage,
    sensitivity,
    ignorePunctuation ?? r.dataLocale.split("-")[0] === "th",
    state.numeric,
    state.caseFirst,
  );
  // Thai ignores punctuation by default (CLDR's alternate=shifted for th).
  if (ignorePunctuation === undefined) state.ignorePunctuation = r.dataLocale.split("-")[0] === "th";
  else state.ignorePunctuation = ignorePunctuation;
  state.engine = engine;
  collators.set(collator, state);
  return collator;
}

function collatorState(value, method) {
  const state = typeof value === "object" && value !== null ? collators.get(value) : undefined;
  if (state === undefined) throw new TypeError(`Intl.Collator.prototype.${method} called on an object that is not an Intl.Collator`);
  return state;
}

const CollatorPrototype = Collator.prototype;
Object.defineProperty(Collator, "prototype", { writable: false, enumerable: false, configurable: false });
supportedLocalesOf(Collator);
Object.defineProperty(CollatorPrototype, "compare", {
  get: Object.getOwnPropertyDescriptor(
    {
      get compare() {
        const state = collatorState(this, "compare");
        if (state.bound === undefined) {
          const engine = state.engine;
          state.bound = (x, y) => engine.compare(`${x}`, `${y}`);
        }
        return state.bound;
      },
    },
    "compare",
  ).get,
  enumerable: false,
  configurable: true,
});
defineMethod(
  CollatorPrototype,
  "resolvedOptions",
  method(function () {
    const s = collatorState(this, "resolvedOptions");
    return {
      locale: s.locale,
      usage: s.usage,
      sensitivity: s.sensitivity,
      ignorePunctuation: s.ignorePunctuation,
      collation: s.collation,
      numeric: s.numeric,
      caseFirst: s.caseFirst,
    };
  }),
  0,
);
defineTag(CollatorPrototype, "Intl.Collator");

// ---------------------------------------------------------------------------------------------
// Intl.PluralRules (§16)

/** SetNumberFormatDigitOptions, as far as plural rules need it. */
function digitOptions(opts, minFractionDefault, maxFractionDefault, notation) {
  const minimumIntegerDigits = getNumberOption(opts, "minimumIntegerDigits", 1, 21, 1);
  const mnfd = opts.minimumFractionDigits;
  const mxfd = opts.maximumFractionDigits;
  const mnsd = opts.minimumSignificantDigits;
  const mxsd = opts.maximumSignificantDigits;
  const roundingIncrement = getNumberOption(opts, "roundingIncrement", 1, 5000, 1);
  if (![1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000].includes(roundingIncrement)) {
    throw new RangeError("Intl: invalid roundingIncrement");
  }
  const roundingMode = getOption(
    opts,
    "roundingMode",
    "string",
    ["ceil", "floor", "expand", "trunc", "halfCeil", "halfFloor", "halfExpand", "halfTrunc", "halfEven"],
    "halfExpand",
  );
  const roundingPriority = getOption(opts, "roundingPriority", "string", ["auto", "morePrecision", "lessPrecision"], "auto");
  const trailingZeroDisplay = getOption(opts, "trailingZeroDisplay", "string", ["auto", "stripIfInteger"], "auto");
  if (roundingIncrement !== 1) maxFractionDefault = minFractionDefault;
  // Null-prototype: the app's accessors on Object.prototype must not see these writes.
  const out = Object.create(null);
  out.minimumIntegerDigits = minimumIntegerDigits;
  out.roundingIncrement = roundingIncrement;
  out.roundingMode = roundingMode;
  out.roundingPriority = roundingPriority;
  out.trailingZeroDisplay = trailingZeroDisplay;
  const hasSd = mnsd !== undefined || mxsd !== undefined;
  const hasFd = mnfd !== undefined || mxfd !== undefined;
  let needSd = true;
  let needFd = true;
  if (roundingPriority === "auto") {
    needSd = hasSd;
    if (needSd || (!hasFd && notation === "compact")) needFd = false;
  }
  if (needSd) {
    if (hasSd) {
      out.minimumSignificantDigits = defaultNumberOption(mnsd, 1, 21, 1, "minimumSignificantDigits");
      out.maximumSignificantDigits = defaultNumberOption(mxsd, out.minimumSignificantDigits, 21, 21, "maximumSignificantDigits");
    } else {
      out.minimumSignificantDigits = 1;
      out.maximumSignificantDigits = 21;
    }
  }
  if (needFd) {
    if (hasFd) {
      let min = defaultNumberOption(mnfd, 0, 100, undefined, "minimumFractionDigits");
      let max = defaultNumberOption(mxfd, 0, 100, undefined, "maximumFractionDigits");
      if (min === undefined) min = Math.min(minFractionDefault, max);
      else if (max === undefined) max = Math.max(maxFractionDefault, min);
      else if (min > max) throw new RangeError("Intl: minimumFractionDigits is greater than maximumFractionDigits");
      out.minimumFractionDigits = min;
      out.maximumFractionDigits = max;
    } else {
      out.minimumFractionDigits = minFractionDefault;
      out.maximumFractionDigits = maxFractionDefault;
    }
  }
  if (!needSd && !needFd) {
    out.minimumFractionDigits = 0;
    out.maximumFractionDigits = 0;
    out.minimumSignificantDigits = 1;
    out.maximumSignificantDigits = 2;
    out.roundingType = "morePrecision";
  } else if (roundingPriority === "auto") {
    out.roundingType = needSd ? "significantDigits" : "fractionDigits";
  } else {
    out.roundingType = roundingPriority;
  }
  if (roundingIncrement !== 1) {
    if (out.roundingType !== "fractionDigits") throw new TypeError("Intl: roundingIncrement needs fraction digits");
    if (out.maximumFractionDigits !== out.minimumFractionDigits) {
      throw new RangeError("Intl: roundingIncrement needs equal minimum and maximum fraction digits");
    }
  }
  return out;
}

/**
 * A finite number as the decimal string the digit options make of it (sign dropped). The
 * number's shortest decimal form is rounded, as ICU does ("1.005" to 2 places is "1.01").
 */
function formatDigits(x, d, negative = x < 0) {
  let text = `${Math.abs(x)}`;
  if (text.includes("e")) text = expandExponent(text);
  return roundDecimal(text, d, negative);
}

/** `text` (a plain non-negative decimal) rounded by the digit options `d`. */
function roundDecimal(text, d, negative) {
  const [int, frac = ""] = text.split(".");
  const all = int + frac;
  const scale = frac.length;
  let out;
  const bySignificant = () => {
    const lz = all.length - all.replace(/^0+/, "").length;
    const magnitude = all.length - lz - 1 - scale;
    const places = all.length === lz ? d.maximumSignificantDigits - 1 : d.maximumSignificantDigits - 1 - magnitude;
    const rounded = roundAt(all, scale, places, d.roundingMode, negative, 1);
    const minPlaces = all.length === lz ? d.minimumSignificantDigits - 1 : d.minimumSignificantDigits - 1 - magnitudeOf(rounded);
    return trimFraction(rounded, Math.max(0, minPlaces));
  };
  const byFraction = () => {
    const rounded = roundAt(all, scale, d.maximumFractionDigits, d.roundingMode, negative, d.roundingIncrement);
    return trimFraction(rounded, d.minimumFractionDigits);
  };
  switch (d.roundingType) {
    case "significantDigits":
      out = bySignificant();
      break;
    case "morePrecision":
    case "lessPrecision": {
      const a = bySignificant();
      const b = byFraction();
      const fa = (a.split(".")[1] ?? "").length;
      const fb = (b.split(".")[1] ?? "").length;
      const more = fa >= fb ? a : b;
      const less = fa >= fb ? b : a;
      out = d.roundingType === "morePrecision" ? more : less;
      break;
    }
    default:
      out = byFraction();
  }
  if (d.trailingZeroDisplay === "stripIfInteger" && /^\d+\.0+$/.test(out)) out = out.split(".")[0];
  return out;
}

function magnitudeOf(text) {
  const [int, frac = ""] = text.split(".");
  const stripped = int.replace(/^0+/, "");
  if (stripped.length > 0) return stripped.length - 1;
  const lz = frac.length - frac.replace(/^0+/, "").length;
  return -lz - 1;
}

/** `all × 10^-scale` rounded to `places` fraction digits (negative: tens, hundreds...). */
function roundAt(all, scale, places, mode, negative, increment = 1) {
  let digits = all;
  let sc = scale;
  if (sc <= places && increment === 1) {
    return toDecimalText(digits + "0".repeat(places - sc), places);
  }
  if (sc < places) {
    digits += "0".repeat(places - sc);
    sc = places;
  }
  const cut = digits.length - (sc - places);
  let keep = cut > 0 ? digits.slice(0, cut) : "0";
  let rest = cut > 0 ? digits.slice(cut) : "0".repeat(-cut) + digits;
  if (increment !== 1) {
    // Round to a multiple of `increment` units of the last kept place.
    const units = BigInt(keep);
    const inc = BigInt(increment);
    const low = (units / inc) * inc;
    const remainder = Number(units - low) + Number(`0.${rest || "0"}`);
    const half = increment / 2;
    const up = decideUp(mode, negative, remainder === 0 ? 0 : remainder < half ? -1 : remainder > half ? 1 : 0.5, Number(low / inc) % 2 === 1, remainder !== 0);
    keep = (up ? low + inc : low).toString();
    return toDecimalText(keep, places);
  }
  const first = rest.length > 0 ? rest.charCodeAt(0) - 48 : 0;
  const tail = rest.slice(1).replace(/0+$/, "");
  const inexact = /[1-9]/.test(rest);
  const half = first < 5 ? -1 : first > 5 ? 1 : tail.length > 0 ? 1 : 0.5;
  const odd = (keep.charCodeAt(keep.length - 1) - 48) % 2 === 1;
  if (inexact && decideUp(mode, negative, half, odd, inexact)) keep = increment_(keep);
  if (places < 0) return keep + "0".repeat(-places);
  return toDecimalText(keep, places);
}

/** Whether rounding goes away from zero: `half` is -1 below half, 0.5 at half, 1 above. */
function decideUp(mode, negative, half, odd, inexact) {
  if (!inexact) return false;
  switch (mode) {
    case "ceil":
      return !negative;
    case "floor":
      return negative;
    case "expand":
      return true;
    case "trunc":
      return false;
    case "halfCeil":
      return half > 0.5 || (half === 0.5 && !negative);
    case "halfFloor":
      return half > 0.5 || (half === 0.5 && negative);
    case "halfTrunc":
      return half > 0.5;
    case "halfEven":
      return half > 0.5 || (half === 0.5 && odd);
    default:
      return half >= 0.5;
  }
}

function increment_(digits) {
  const chars = digits.split("");
  let i = chars.length - 1;
  while (i >= 0) {
    if (chars[i] === "9") {
      chars[i] = "0";
      i--;
    } else {
      chars[i] = String.fromCharCode(chars[i].charCodeAt(0) + 1);
      return chars.join("");
    }
  }
  return "1" + chars.join("");
}

/** Digits with `places` of them after the point, as "12.30" (leading zeros trimmed). */
function toDecimalText(digits, places) {
  if (places <= 0) return digits.replace(/^0+(?=\d)/, "") + "0".repeat(Math.max(0, -places));
  const padded = digits.padStart(places + 1, "0");
  const int = padded.slice(0, padded.length - places).replace(/^0+(?=\d)/, "");
  return `${int}.${padded.slice(padded.length - places)}`;
}

function trimFraction(text, minimum) {
  if (!text.includes(".")) return minimum > 0 ? `${text}.${"0".repeat(minimum)}` : text;
  let [int, frac] = text.split(".");
  while (frac.length > minimum && frac.endsWith("0")) frac = frac.slice(0, -1);
  if (frac.length < minimum) frac = frac.padEnd(minimum, "0");
  return frac.length > 0 ? `${int}.${frac}` : int;
}

function expandExponent(text) {
  const [mantissa, exp] = text.split("e");
  const e = Number(exp);
  const [int, frac = ""] = mantissa.split(".");
  const digits = int + frac;
  const point = int.length + e;
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

class PluralRules {
  #locale;
  #type;
  #digits;
  #categories;
  constructor(locales = undefined, options = undefined) {
    const requested = canonicalizeLocaleList(locales);
    const opts = coerceOptions(options);
    getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
    const type = getOption(opts, "type", "string", ["cardinal", "ordinal"], "cardinal");
    const notation = getOption(opts, "notation", "string", ["standard", "scientific", "engineering", "compact"], "standard");
    const compactDisplay = getOption(opts, "compactDisplay", "string", ["short", "long"], "short");
    const digits = digitOptions(opts, 0, 3, notation);
    digits.notation = notation;
    digits.compactDisplay = compactDisplay;
    const r = resolveLocale(requested, Object.create(null), [], () => [null]);
    this.#locale = r.locale;
    this.#type = type;
    this.#digits = digits;
    this.#categories = native.pluralCategories(r.dataLocale, type === "ordinal");
    this.#dataLocale = r.dataLocale;
  }
  #dataLocale;
  static #check(value, method) {
    if (typeof value !== "object" || value === null || !(#locale in value)) {
      throw new TypeError(`Intl.PluralRules.prototype.${method} called on an object that is not an Intl.PluralRules`);
    }
  }
  select(value) {
    PluralRules.#check(this, "select");
    const n = +value;
    return this.#select(n);
  }
  #select(n) {
    if (!Number.isFinite(n)) return "other";
    return native.pluralSelect(this.#dataLocale, this.#type === "ordinal", formatDigits(n, this.#digits));
  }
  selectRange(start, end) {
    PluralRules.#check(this, "selectRange");
    if (start === undefined || end === undefined) throw new TypeError("Intl.PluralRules.prototype.selectRange: start and end are required");
    const x = +start;
    const y = +end;
    if (Number.isNaN(x) || Number.isNaN(y)) throw new RangeError("Intl.PluralRules.prototype.selectRange: NaN");
    return this.#select(y);
  }
  resolvedOptions() {
    PluralRules.#check(this, "resolvedOptions");
    const d = this.#digits;
    const out = { locale: this.#locale, type: this.#type, notation: d.notation };
    if (d.notation === "compact") out.compactDisplay = d.compactDisplay;
    out.minimumIntegerDigits = d.minimumIntegerDigits;
    if (d.minimumFractionDigits !== undefined) {
      out.minimumFractionDigits = d.minimumFractionDigits;
      out.maximumFractionDigits = d.maximumFractionDigits;
    }
    if (d.minimumSignificantDigits !== undefined && d.roundingType !== "fractionDigits") {
      out.minimumSignificantDigits = d.minimumSignificantDigits;
      out.maximumSignificantDigits = d.maximumSignificantDigits;
    }
    out.pluralCategories = [...this.#categories];
    out.roundingIncrement = d.roundingIncrement;
    out.roundingMode = d.roundingMode;
    out.roundingPriority = d.roundingPriority;
    out.trailingZeroDisplay = d.trailingZeroDisplay;
    return out;
  }
}
supportedLocalesOf(PluralRules);
defineTag(PluralRules.prototype, "Intl.PluralRules");

// ---------------------------------------------------------------------------------------------
// Intl.Segmenter (§18)

const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

class Segmenter {
  #locale;
  #granularity;
  constructor(locales = undefined, options = undefined) {
    const requested = canonicalizeLocaleList(locales);
    const opts = optionsObject(options);
    getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
    const r = resolveLocale(requested, Object.create(null), [], () => [null]);
    this.#locale = r.locale;
    this.#granularity = getOption(opts, "granularity", "string", ["grapheme", "word", "sentence"], "grapheme");
  }
  static #check(value, method) {
    if (typeof value !== "object" || value === null || !(#locale in value)) {
      throw new TypeError(`Intl.Segmenter.prototype.${method} called on an object that is not an Intl.Segmenter`);
    }
  }
  segment(string) {
    Segmenter.#check(this, "segment");
    return makeSegments(this.#granularity, `${string}`);
  }
  resolvedOptions() {
    Segmenter.#check(this, "resolvedOptions");
    return { locale: this.#locale, granularity: this.#granularity };
  }
}
supportedLocalesOf(Segmenter);
defineTag(Segmenter.prototype, "Intl.Segmenter");

const segmentsState = new WeakMap();

/** The %SegmentsPrototype% object: `containing()` and iteration over one string. */
const SegmentsPrototype = {};
defineMethod(
  SegmentsPrototype,
  "containing",
  method(function (index) {
    const s = segmentsState.get(this);
    if (s === undefined) throw new TypeError("Segments.prototype.containing called on an incompatible receiver");
    let n = Math.trunc(+index);
    if (Number.isNaN(n)) n = 0;
    if (n < 0 || n >= s.input.length) return undefined;
    const i = segmentAt(s.breaks, n);
    return segmentData(s, i);
  }),
  1,
);
defineMethod(
  SegmentsPrototype,
  Symbol.iterator,
  method(function () {
    const s = segmentsState.get(this);
    if (s === undefined) throw new TypeError("Segments.prototype[Symbol.iterator] called on an incompatible receiver");
    const it = Object.create(SegmentIteratorPrototype);
    segmentIterators.set(it, { segments: s, next: 0 });
    return it;
  }),
  0,
);

const segmentIterators = new WeakMap();
const SegmentIteratorPrototype = Object.create(IteratorPrototype);
defineMethod(
  SegmentIteratorPrototype,
  "next",
  method(function () {
    const it = segmentIterators.get(this);
    if (it === undefined) throw new TypeError("%SegmentIterator%.next called on an incompatible receiver");
    const s = it.segments;
    if (it.next >= s.breaks.length - 1) return { value: undefined, done: true };
    const value = segmentData(s, it.next);
    it.next++;
    return { value, done: false };
  }),
  0,
);
defineTag(SegmentIteratorPrototype, "Segmenter String Iterator");

function makeSegments(granularity, input) {
  const [breaks, wordLike] = native.segment(granularity, input);
  if (breaks.length === 0 || breaks[0] !== 0) breaks.unshift(0);
  if (breaks[breaks.length - 1] !== input.length) breaks.push(input.length);
  const segments = Object.create(SegmentsPrototype);
  segmentsState.set(segments, { granularity, input, breaks, wordLike });
  return segments;
}

/** The index of the segment holding code unit `n` (a binary search over the boundaries). */
function segmentAt(breaks, n) {
  let lo = 0;
  let hi = breaks.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (breaks[mid] <= n) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function segmentData(s, i) {
  const start = s.breaks[i];
  const end = s.breaks[i + 1];
  const data = { segment: s.input.slice(start, end), index: start, input: s.input };
  if (s.granularity === "word") data.isWordLike = s.wordLike[i] === true;
  return data;
}


// ---------------------------------------------------------------------------------------------
// Intl.NumberFormat (§15)

/** ISO 4217 currencies whose minor unit is not 2 digits. */
const CURRENCY_DIGITS = {
  BHD: 3, BIF: 0, CLF: 4, CLP: 0, DJF: 0, GNF: 0, IQD: 3, ISK: 0, JOD: 3, JPY: 0, KMF: 0, KRW: 0,
  KWD: 3, LYD: 3, OMR: 3, PYG: 0, RWF: 0, TND: 3, UGX: 0, UYI: 0, UYW: 4, VND: 0, VUV: 0, XAF: 0,
  XOF: 0, XPF: 0,
};

/** Currency symbols in English (CLDR's en); the narrow symbol where it differs. */
const CURRENCY_SYMBOLS = {
  USD: ["$", "$"], EUR: ["€", "€"], GBP: ["£", "£"], JPY: ["¥", "¥"], CNY: ["CN¥", "¥"], INR: ["₹", "₹"],
  CAD: ["CA$", "$"], AUD: ["A$", "$"], NZD: ["NZ$", "$"], HKD: ["HK$", "$"], MXN: ["MX$", "$"],
  BRL: ["R$", "R$"], KRW: ["₩", "₩"], ILS: ["₪", "₪"], TWD: ["NT$", "$"], VND: ["₫", "₫"],
  XAF: ["FCFA", "FCFA"], XOF: ["F\u202fCFA", "F\u202fCFA"], PHP: ["₱", "₱"], THB: ["THB", "฿"],
  RUB: ["RUB", "₽"], CHF: ["CHF", "CHF"], SEK: ["SEK", "kr"], NOK: ["NOK", "kr"], DKK: ["DKK", "kr"],
  PLN: ["PLN", "zł"], TRY: ["TRY", "₺"], UAH: ["UAH", "₴"], ZAR: ["ZAR", "R"], NGN: ["NGN", "₦"],
};

/** Where a locale puts a currency symbol and the percent sign (CLDR's patterns, simplified). */
function numberPatterns(locale) {
  const language = locale.split("-")[0];
  const suffixSpace = ["de", "fr", "es", "it", "pt", "sv", "nb", "no", "nn", "da", "fi", "pl", "cs", "sk", "ru", "uk", "be", "bg", "hr", "sl", "sr", "hu", "ro", "el", "lt", "lv", "et", "ca", "is", "vi", "az", "kk"];
  const percentSpace = ["de", "fr", "es", "sv", "nb", "no", "nn", "da", "fi", "pl", "cs", "sk", "ru", "uk", "be", "bg", "hr", "sl", "sr", "hu", "ro", "el", "lt", "lv", "et", "ca", "is", "kk", "az"];
  const space = language === "fr" ? "\u202f" : "\u00a0";
  const region = (locale.split("-").find((p, i) => i > 0 && REGION.test(p)) ?? "").toUpperCase();
  const currencyAfter = indexOf(suffixSpace, language) !== -1 && !(language === "pt" && region === "BR") && !(language === "es" && ["MX", "US", "419", "AR", "CO", "CL"].includes(region)) && !(language === "de" && region === "CH") && !(language === "it" && region === "CH");
  return {
    currencyAfter,
    currencySpace: currencyAfter ? "\u00a0" : language === "nl" || (language === "pt" && region === "BR") || (language === "de" && region === "CH") ? "\u00a0" : "",
    percent: indexOf(percentSpace, language) !== -1 ? `${space}%` : language === "tr" ? "%" : "%",
    percentBefore: language === "tr",
  };
}

const UNIT_SHORT = {
  percent: "%", kilometer: "km", meter: "m", centimeter: "cm", millimeter: "mm", mile: "mi", foot: "ft",
  inch: "in", yard: "yd", kilogram: "kg", gram: "g", pound: "lb", ounce: "oz", liter: "L",
  milliliter: "mL", gallon: "gal", second: "sec", minute: "min", hour: "hr", day: "day",
  week: "wk", month: "mth", year: "yr", millisecond: "ms", microsecond: "μs", nanosecond: "ns",
  byte: "byte", kilobyte: "kB", megabyte: "MB", gigabyte: "GB", terabyte: "TB", petabyte: "PB",
  bit: "bit", kilobit: "kb", megabit: "Mb", gigabit: "Gb", terabit: "Tb", celsius: "°C",
  fahrenheit: "°F", degree: "deg", acre: "ac", hectare: "ha", "fluid-ounce": "fl oz", stone: "st",
  "mile-scandinavian": "smi",
};



function isWellFormedUnit(unit) {
  if (indexOf(UNITS, unit) !== -1) return true;
  const per = unit.indexOf("-per-");
  if (per === -1) return false;
  return indexOf(UNITS, unit.slice(0, per)) !== -1 && indexOf(UNITS, unit.slice(per + 5)) !== -1;
}

const CURRENCY_CODE = /^[a-z]{3}$/i;

/** GetBooleanOrStringNumberFormatOption, for useGrouping. */
function groupingOption(options, fallback) {
  const value = options.useGrouping;
  if (value === undefined) return fallback;
  if (value === true) return "always";
  if (!value) return false;
  const text = `${value}`;
  if (text === "true" || text === "false") return fallback;
  if (text !== "min2" && text !== "auto" && text !== "always") throw new RangeError(`Intl.NumberFormat: invalid useGrouping ${text}`);
  return text;
}

const numberFormats = new WeakMap();

function NumberFormat(locales = undefined, options = undefined) {
  const target = new.target === undefined ? NumberFormat : new.target;
  const proto = Object(target.prototype) === target.prototype ? target.prototype : NumberFormatPrototype;
  const nf = Object.create(proto);
  const requested = canonicalizeLocaleList(locales);
  const opts = coerceOptions(options);
  const opt = Object.create(null);
  getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
  const numberingSystem = getOption(opts, "numberingSystem", "string", undefined, undefined);
  checkType(numberingSystem, "numberingSystem");
  opt.nu = numberingSystem;
  const r = resolveLocale(requested, opt, ["nu"], (_locale, _key) => ["latn", ...NUMBERING_SYSTEMS.filter((n) => n !== "latn")]);
  const state = Object.create(null);
  state.locale = r.locale;
  state.dataLocale = r.dataLocale;
  state.numberingSystem = r.nu;
  // SetNumberFormatUnitOptions
  const style = getOption(opts, "style", "string", ["decimal", "percent", "currency", "unit"], "decimal");
  const currency = getOption(opts, "currency", "string", undefined, undefined);
  if (currency === undefined) {
    if (style === "currency") throw new TypeError("Intl.NumberFormat: currency is required with style currency");
  } else if (!CURRENCY_CODE.test(currency)) {
    throw new RangeError(`Intl.NumberFormat: invalid currency ${currency}`);
  }
  const currencyDisplay = getOption(opts, "currencyDisplay", "string", ["code", "symbol", "narrowSymbol", "name"], "symbol");
  const currencySign = getOption(opts, "currencySign", "string", ["standard", "accounting"], "standard");
  const unit = getOption(opts, "unit", "string", undefined, undefined);
  if (unit === undefined) {
    if (style === "unit") throw new TypeError("Intl.NumberFormat: unit is required with style unit");
  } else if (!isWellFormedUnit(unit)) {
    throw new RangeError(`Intl.NumberFormat: invalid unit ${unit}`);
  }
  const unitDisplay = getOption(opts, "unitDisplay", "string", ["short", "narrow", "long"], "short");
  state.style = style;
  if (style === "currency") {
    state.currency = currency.toUpperCase();
    state.currencyDisplay = currencyDisplay;
    state.currencySign = currencySign;
  }
  if (style === "unit") {
    state.unit = unit;
    state.unitDisplay = unitDisplay;
  }
  const notation = getOption(opts, "notation", "string", ["standard", "scientific", "engineering", "compact"], "standard");
  const currencyDigits = style === "currency" && notation === "standard";
  const cDigits = currencyDigits ? CURRENCY_DIGITS[state.currency] ?? 2 : 0;
  const digits = digitOptions(opts, cDigits, currencyDigits ? cDigits : style === "percent" ? 0 : 3, notation);
  const compactDisplay = getOption(opts, "compactDisplay", "string", ["short", "long"], "short");
  const useGrouping = groupingOption(opts, notation === "compact" ? "min2" : "auto");
  const signDisplay = getOption(opts, "signDisplay", "string", ["auto", "never", "always", "exceptZero", "negative"], "auto");
  state.digits = digits;
  state.notation = notation;
  state.compactDisplay = compactDisplay;
  state.useGrouping = useGrouping;
  state.signDisplay = signDisplay;
  state.bound = undefined;
  numberFormats.set(nf, state);
  return new.target === undefined ? chainLegacy(this, NumberFormatPrototype, nf) : nf;
}

/** Intl.FallbackSymbol: where a legacy `Intl.NumberFormat.call(obj)` keeps its format. */
const FALLBACK_SYMBOL = Symbol("IntlLegacyConstructedSymbol");

/**
 * ChainNumberFormat / ChainDateTimeFormat: a legacy call as a function on an object that
 * inherits from the prototype keeps the new format on that object, under FALLBACK_SYMBOL.
 */
function chainLegacy(receiver, proto, made) {
  if (receiver === undefined || receiver === null || Object(receiver) !== receiver || !proto.isPrototypeOf(receiver)) {
    return made;
  }
  Object.defineProperty(receiver, FALLBACK_SYMBOL, { value: made, writable: false, enumerable: false, configurable: false });
  return receiver;
}

/** The state of a format object (or of the one a legacy-chained object carries). */
function formatState(states, proto, name, value, method) {
  let state = typeof value === "object" && value !== null ? states.get(value) : undefined;
  if (state === undefined && typeof value === "object" && value !== null && proto.isPrototypeOf(value)) {
    const inner = value[FALLBACK_SYMBOL];
    state = typeof inner === "object" && inner !== null ? states.get(inner) : undefined;
  }
  if (state === undefined) throw new TypeError(`Intl.${name}.prototype.${method} called on an object that is not an Intl.${name}`);
  return state;
}

function numberFormatState(value, method) {
  return formatState(numberFormats, NumberFormatPrototype, "NumberFormat", value, method);
}

/** ToIntlMathematicalValue, as far as a Number or a BigInt carries it. */
function toNumeric(value) {
  const primitive = typeof value === "object" && value !== null ? toPrimitiveNumber(value) : value;
  if (typeof primitive === "bigint") return primitive;
  if (typeof primitive === "string") {
    const trimmed = primitive.trim();
    if (/^[+-]?\d+$/.test(trimmed) && trimmed.replace(/^[+-]/, "").length > 15) return BigInt(trimmed);
    // More digits than a Number holds: kept exact, as text.
    const exact = exactDecimal(trimmed);
    if (exact !== undefined && exact.replace(/^-?0*\.?0*/, "").replace(".", "").length > 15) return exact;
  }
  return +primitive;
}

const DECIMAL_LITERAL = /^([+-]?)(\d+\.?\d*|\.\d+)(?:e([+-]?\d+))?$/i;

/** A decimal StringNumericLiteral as plain text ("-1234.5"), or undefined. */
function exactDecimal(text) {
  const m = DECIMAL_LITERAL.exec(text);
  if (m === null) return undefined;
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  if (Math.abs(exponent) > 1000) return undefined;
  let plain = exponent === 0 ? m[2] : expandExponent(`${m[2]}e${exponent}`);
  if (plain[0] === ".") plain = `0${plain}`;
  let [int, frac = ""] = plain.split(".");
  int = int.replace(/^0+(?=\d)/, "");
  frac = frac.replace(/0+$/, "");
  return `${m[1] === "-" ? "-" : ""}${int}${frac === "" ? "" : `.${frac}`}`;
}

function toPrimitiveNumber(value) {
  const p = value[Symbol.toPrimitive];
  if (p !== undefined && p !== null) return p.call(value, "number");
  for (const name of ["valueOf", "toString"]) {
    const f = value[name];
    if (typeof f === "function") {
      const r = f.call(value);
      if (typeof r !== "object" || r === null) return r;
    }
  }
  throw new TypeError("Cannot convert object to primitive value");
}

/**
 * The parts of `x` formatted by `s` (PartitionNumberPattern). `x` is a Number, a BigInt, or
 * (from DurationFormat, in standard notation only) an exact decimal as text.
 */
function partitionNumber(s, x) {
  const parts = [];
  const push = (type, value) => {
    parts[parts.length] = { type, value };
  };
  let magnitude = 0;
  let digitsText;
  const isBig = typeof x === "bigint";
  if (typeof x === "string" && (s.notation !== "standard" || s.style === "percent")) x = +x;
  if (typeof x === "string") {
    const negativeText = x[0] === "-";
    digitsText = roundDecimal(negativeText ? x.slice(1) : x, s.digits, negativeText);
    return partitionDigits(s, parts, push, negativeText, digitsText);
  }
  const negative = isBig ? x < 0n : x < 0 || Object.is(x, -0);
  let value = x;
  if (!isBig && s.style === "percent" && Number.isFinite(x)) value = shiftDecimal(x, 2);
  if (isBig && s.style === "percent") value = x * 100n;
  const finite = isBig || Number.isFinite(value);
  let exponent = 0;
  if (finite && (s.notation === "scientific" || s.notation === "engineering")) {
    const abs = isBig ? Number(value < 0n ? -value : value) : Math.abs(value);
    if (abs !== 0) {
      magnitude = Math.floor(Math.log10(abs));
      exponent = s.notation === "engineering" ? Math.floor(magnitude / 3) * 3 : magnitude;
      value = shiftDecimal(isBig ? Number(value) : value, -exponent);
    }
  }
  if (finite) {
    if (isBig && s.notation !== "scientific" && s.notation !== "engineering") {
      // The BigInt's exact digits, rounded as text (never through a Number).
      digitsText = roundDecimal((value < 0n ? -value : value).toString(), s.digits, negative);
    } else {
      digitsText = s.notation === "compact" ? compactDigits(Math.abs(value)) : formatDigits(value, s.digits);
      // Rounding can carry the mantissa to 10 (or 1000): 9.9999 is 1E1, not 10E0.
      const limit = s.notation === "engineering" ? 3 : 1;
      if (exponent !== 0 || s.notation === "scientific" || s.notation === "engineering") {
        if (s.notation !== "compact" && s.notation !== "standard" && digitsText.split(".")[0].length > limit) {
          exponent += limit;
          value = shiftDecimal(value, -limit);
          digitsText = formatDigits(value, s.digits);
        }
      }
    }
  }
  return partitionDigits(s, parts, push, negative, digitsText, x, finite, exponent);
}

/**
 * The engine's compact output is one run of text ("-9.9K", "988 Mio."): split into the sign,
 * the number's integer, group, decimal and fraction parts, and the compact affixes.
 */
function splitCompact(s, locale, parts) {
  s.decimalSeparator ??= new native.NumberPattern(locale, "false", "").format("1.5", 1).find((p) => p[0] === "decimal")?.[1] ?? ".";
  const out = [];
  const affix = (text) => {
    const trimmed = text.trim();
    if (trimmed === "") {
      if (text !== "") out[out.length] = ["literal", text];
      return;
    }
    const lead = text.slice(0, text.indexOf(trimmed));
    const trail = text.slice(lead.length + trimmed.length);
    if (lead !== "") out[out.length] = ["literal", lead];
    out[out.length] = ["compact", trimmed];
    if (trail !== "") out[out.length] = ["literal", trail];
  };
  for (const [type, text] of parts) {
    if (type !== "literal") {
      out[out.length] = [type, text];
      continue;
    }
    // By code point: the digits of adlm or cakm are surrogate pairs; hanidec's are not Nd.
    const chars = [...text];
    let first = -1;
    let last = -1;
    for (let i = 0; i < chars.length; i++) {
      if (isDigitChar(chars[i])) {
        if (first === -1) first = i;
        last = i;
      }
    }
    if (first === -1) {
      affix(text);
      continue;
    }
    let prefix = chars.slice(0, first).join("");
    const sign = /[-+\u2212]$/.exec(prefix);
    if (sign !== null) prefix = prefix.slice(0, -1);
    affix(prefix);
    if (sign !== null) out[out.length] = [sign[0] === "+" ? "plusSign" : "minusSign", sign[0]];
    const number = chars.slice(first, last + 1).join("");
    const point = number.indexOf(s.decimalSeparator);
    const integer = point === -1 ? number : number.slice(0, point);
    let run = "";
    for (const ch of integer) {
      if (isDigitChar(ch)) run += ch;
      else {
        if (run !== "") out[out.length] = ["integer", run];
        out[out.length] = ["group", ch];
        run = "";
      }
    }
    if (run !== "") out[out.length] = ["integer", run];
    if (point !== -1) {
      out[out.length] = ["decimal", s.decimalSeparator];
      out[out.length] = ["fraction", number.slice(point + s.decimalSeparator.length)];
    }
    affix(chars.slice(last + 1).join(""));
  }
  return out;
}

/** Whether `ch` (one code point) is a digit of some numbering system. */
function isDigitChar(ch) {
  return /\p{Nd}/u.test(ch) || HANIDEC.indexOf(ch) !== -1;
}

/** Whether `ch` is a zero digit (of any numbering system). */
function isZeroDigit(ch) {
  if (ch === "0" || ch === "〇") return true;
  const code = ch.codePointAt(0);
  for (const key in DIGIT_ZERO) if (DIGIT_ZERO[key] === code) return true;
  return false;
}

/** The digit zero of each numbering system whose digits are ten consecutive code points. */
const DIGIT_ZERO = {
  adlm: 0x1e950, ahom: 0x11730, arab: 0x660, arabext: 0x6f0, bali: 0x1b50, beng: 0x9e6,
  bhks: 0x11c50, brah: 0x11066, cakm: 0x11136, cham: 0xaa50, deva: 0x966, diak: 0x11950,
  fullwide: 0xff10, gara: 0x10d40, gong: 0x11da0, gonm: 0x11d50, gujr: 0xae6, gukh: 0x16130,
  guru: 0xa66, hmng: 0x16b50, hmnp: 0x1e140, java: 0xa9d0, kali: 0xa900, kawi: 0x11f50,
  khmr: 0x17e0, knda: 0xce6, krai: 0x16d70, lana: 0x1a80, lanatham: 0x1a90, laoo: 0xed0,
  lepc: 0x1c40, limb: 0x1946, mathbold: 0x1d7ce, mathdbl: 0x1d7d8, mathmono: 0x1d7f6,
  mathsanb: 0x1d7ec, mathsans: 0x1d7e2, mlym: 0xd66, modi: 0x11650, mong: 0x1810, mroo: 0x16a60,
  mtei: 0xabf0, mymr: 0x1040, mymrepka: 0x116da, mymrpao: 0x116d0, mymrshan: 0x1090,
  mymrtlng: 0xa9f0, nagm: 0x1e4f0, newa: 0x11450, nkoo: 0x7c0, olck: 0x1c50, onao: 0x1e5f1,
  orya: 0xb66, osma: 0x104a0, outlined: 0x1ccf0, rohg: 0x10d30, saur: 0xa8d0, segment: 0x1fbf0,
  shrd: 0x111d0, sind: 0x112f0, sinh: 0xde6, sora: 0x110f0, sund: 0x1bb0, sunu: 0x11bf0,
  takr: 0x116c0, talu: 0x19d0, tamldec: 0xbe6, telu: 0xc66, thai: 0xe50, tibt: 0xf20,
  tirh: 0x114d0, tnsa: 0x16ac0, tols: 0x11de0, vaii: 0xa620, wara: 0x118e0, wcho: 0x1e2f0,
};

const HANIDEC = "〇一二三四五六七八九";

/** `text`'s ASCII digits in numbering system `nu`. */
function localDigits(text, nu) {
  if (nu === "hanidec") return text.replace(/[0-9]/g, (d) => HANIDEC[d]);
  const zero = DIGIT_ZERO[nu];
  if (zero === undefined) return text;
  return text.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + (d.charCodeAt(0) - 48)));
}

/** CLDR's NaN symbol: "NaN" but in Traditional Chinese. */
function nanSymbol(locale) {
  return /^zh-(?:Hant|TW|HK|MO)\b/.test(locale) ? "非數值" : "NaN";
}

/** The rest of PartitionNumberPattern, once the digits are rounded, in the format's digits. */
function partitionDigits(s, parts, push, negative, digitsText, x = 0, finite = true, exponent = 0) {
  partitionLatnDigits(s, parts, push, negative, digitsText, x, finite, exponent);
  const nu = s.numberingSystem;
  if (nu !== undefined && nu !== "latn") {
    for (const part of parts) {
      if (part.type === "integer" || part.type === "fraction" || part.type === "exponentInteger") part.value = localDigits(part.value, nu);
    }
  }
  return parts;
}

/** Sign, pattern and affixes, with ASCII digits where the engine has no data for the system. */
function partitionLatnDigits(s, parts, push, negative, digitsText, x, finite, exponent) {
  const isBig = typeof x === "bigint";
  const isZero = digitsText !== undefined && /^0(\.0*)?$/.test(digitsText);
  let sign = "";
  switch (s.signDisplay) {
    case "auto":
      sign = negative ? "-" : "";
      break;
    case "always":
      sign = negative ? "-" : "+";
      break;
    case "exceptZero":
      // Infinities are not zero; NaN has no sign.
      sign = isZero || (digitsText === undefined && Number.isNaN(x)) ? "" : negative ? "-" : "+";
      break;
    case "negative":
      sign = negative && !isZero && !(digitsText === undefined && Number.isNaN(x)) ? "-" : "";
      break;
  }
  // The locale's patterns, worked out once per format object.
  s.patterns ??= numberPatterns(s.dataLocale);
  const patterns = s.patterns;
  const accounting = s.style === "currency" && s.currencySign === "accounting" && sign === "-" && !patterns.currencyAfter;
  if (accounting) sign = "";
  const locale = s.numberingSystem === "latn" || s.numberingSystem === undefined ? s.dataLocale : `${s.dataLocale}-u-nu-${s.numberingSystem}`;
  let numberParts;
  if (!isBig && Number.isNaN(x)) {
    numberParts = [[sign === "-" ? "minusSign" : "plusSign", sign], ["nan", nanSymbol(s.dataLocale)]].filter((p) => p[1] !== "");
  } else if (!finite) {
    numberParts = [];
    if (sign === "-") numberParts.push(["minusSign", "-"]);
    else if (sign === "+") numberParts.push(["plusSign", "+"]);
    numberParts.push(["infinity", "∞"]);
  } else {
    const grouping = s.useGrouping === false ? "false" : s.useGrouping;
    s.numberPattern ??= new native.NumberPattern(locale, grouping, s.notation === "compact" ? s.compactDisplay : "");
    numberParts = s.numberPattern.format(`${sign}${digitsText}`, s.digits.minimumIntegerDigits);
    if (s.notation === "compact") numberParts = splitCompact(s, locale, numberParts);
    // A sign with its bidi mark ("\u200e-"): the mark is a literal of its own.
    for (let i = 0; i < numberParts.length; i++) {
      const [type, text] = numberParts[i];
      if ((type === "minusSign" || type === "plusSign") && text.length > 1 && /^[\u200e\u200f\u061c]/.test(text)) {
        numberParts.splice(i, 1, ["literal", text[0]], [type, text.slice(1)]);
        i++;
      }
    }
  }
  const emitNumber = () => {
    for (const [type, text] of numberParts) push(type, text);
    if (exponent !== 0 || s.notation === "scientific" || s.notation === "engineering") {
      if (finite) {
        push("exponentSeparator", "E");
        if (exponent < 0) push("exponentMinusSign", "-");
        push("exponentInteger", `${Math.abs(exponent)}`);
      }
    }
  };
  // The sign stays where the locale's number pattern puts it: before the currency symbol in
  // English ("-$1.00").
  const signPart = numberParts.length > 0 && (numberParts[0][0] === "minusSign" || numberParts[0][0] === "plusSign") ? numberParts.shift() : undefined;
  if (accounting) push("literal", "(");
  if (s.style === "currency") {
    const symbol = currencySymbol(s);
    if (patterns.currencyAfter || s.currencyDisplay === "name") {
      if (signPart) push(signPart[0], signPart[1]);
      emitNumber();
      push("literal", s.currencyDisplay === "name" ? " " : patterns.currencySpace || "\u00a0");
      push("currency", symbol);
    } else {
      if (signPart) push(signPart[0], signPart[1]);
      push("currency", symbol);
      const space = s.currencyDisplay === "code" ? "\u00a0" : patterns.currencySpace;
      if (space !== "") push("literal", space);
      emitNumber();
    }
  } else if (s.style === "percent") {
    if (signPart) push(signPart[0], signPart[1]);
    if (patterns.percentBefore) push("percentSign", "%");
    emitNumber();
    if (!patterns.percentBefore) {
      if (patterns.percent.length > 1) push("literal", patterns.percent[0]);
      push("percentSign", "%");
    }
  } else if (s.style === "unit") {
    // CLDR's pattern for the unit, plural and width ("{0} hours", "{0} Std."), where it has one.
    // The plural is the whole value's (1E3 is "1E3 hours"); NaN and infinities take "other" ("").
    const pluralText = digitsText === undefined ? "" : exponent !== 0 ? expandExponent(`${digitsText}e${exponent}`) : digitsText;
    const pattern = s.unit.indexOf("-per-") === -1 && s.notation !== "compact" ? native.unitPattern(s.dataLocale, s.unit, s.unitDisplay, pluralText) : undefined;
    if (pattern !== undefined) {
      const at = pattern.indexOf("{0}");
      if (at === -1) {
        // A pattern with the number in words (Arabic "ساعة", one hour).
        push("unit", pattern);
        return finishUnit(parts, accounting, push);
      }
      if (at > 0) {
        // "saa {0}": the unit, then the literal space.
        const lead = pattern.slice(0, at);
        const text = lead.trimEnd();
        if (text !== "") push("unit", text);
        if (text.length < lead.length) push("literal", lead.slice(text.length));
      }
      if (signPart) push(signPart[0], signPart[1]);
      emitNumber();
      if (at + 3 < pattern.length) {
        // "{0} hours": the literal space, then the unit.
        const rest = pattern.slice(at + 3);
        const text = rest.trimStart();
        if (text.length < rest.length) push("literal", rest.slice(0, rest.length - text.length));
        if (text !== "") push("unit", text);
      }
      return finishUnit(parts, accounting, push);
    }
    if (signPart) push(signPart[0], signPart[1]);
    emitNumber();
    const short = unitLabel(s.unit, s.unitDisplay);
    if (short === "%") push("unit", "%");
    else {
      push("literal", s.unitDisplay === "narrow" && short.length <= 2 ? "" : " ");
      push("unit", short);
    }
  } else {
    if (signPart) push(signPart[0], signPart[1]);
    emitNumber();
  }
  if (accounting) push("literal", ")");
  return parts;
}

function finishUnit(parts, accounting, push) {
  if (accounting) push("literal", ")");
  return parts;
}

/** `x × 10^shift` computed on its decimal digits, so 12345 / 10^4 is exactly 1.2345. */
function shiftDecimal(x, shift) {
  let text = `${Math.abs(x)}`;
  if (text.includes("e")) text = expandExponent(text);
  const [int, frac = ""] = text.split(".");
  const all = int + frac;
  let point = int.length + shift;
  let digits = all;
  if (point <= 0) {
    digits = "0".repeat(1 - point) + digits;
    point = 1;
  }
  if (point > digits.length) digits += "0".repeat(point - digits.length);
  const shifted = Number(`${digits.slice(0, point)}.${digits.slice(point) || "0"}`);
  return x < 0 ? -shifted : shifted;
}

const PER_UNITS = { "kilometer-per-hour": "km/h", "mile-per-hour": "mph", "meter-per-second": "m/s", "liter-per-kilometer": "L/km", "mile-per-gallon": "mpg" };

function unitLabel(unit, display) {
  if (display !== "long" && PER_UNITS[unit] !== undefined) return PER_UNITS[unit];
  const per = unit.indexOf("-per-");
  if (per !== -1) return `${unitLabel(unit.slice(0, per), display)}/${unitLabel(unit.slice(per + 5), display)}`;
  if (display === "long") return unit === "percent" ? "percent" : `${unit}s`;
  return UNIT_SHORT[unit] ?? unit;
}

function currencySymbol(s) {
  if (s.currencyDisplay === "code") return s.currency;
  const language = s.dataLocale.split("-")[0];
  if (s.currency === "JPY" && language === "ja") return "￥";
  if (s.currency === "USD" && (language === "ko" || language === "zh") && s.currencyDisplay === "symbol") return "US$";
  if (s.currency === "CNY" && language === "zh") return "¥";
  if (s.currencyDisplay === "name") return s.currency;
  const known = CURRENCY_SYMBOLS[s.currency];
  if (known === undefined) return s.currency;
  return s.currencyDisplay === "narrowSymbol" ? known[1] : known[0];
}

/** A compact number's digits: ICU's compact formatter rounds, so pass the value itself. */
function compactDigits(abs) {
  const text = `${abs}`;
  return text.includes("e") ? expandExponent(text) : text;
}

/** ICU's range separator: spaced when either side has more than digits and separators. */
function rangeSeparator(a, b) {
  const plain = /^[\p{Nd}.,\u00a0\u202f'+\-]*$/u;
  return plain.test(a) && plain.test(b) ? "–" : " – ";
}

function formatNumberToString(s, x) {
  let out = "";
  for (const part of partitionNumber(s, x)) out += part.value;
  return out;
}

const NumberFormatPrototype = NumberFormat.prototype;
Object.defineProperty(NumberFormat, "prototype", { writable: false, enumerable: false, configurable: false });
supportedLocalesOf(NumberFormat);
defineFormatMethods(NumberFormatPrototype, "NumberFormat", numberFormatState, toNumeric, partitionNumber, {
  checkRange(x, y) {
    if (Number.isNaN(x) || Number.isNaN(y)) throw new RangeError("Intl.NumberFormat.prototype.formatRange: NaN");
  },
  same: (a) => `~${a}`,
  separator: rangeSeparator,
});
defineMethod(
  NumberFormatPrototype,
  "resolvedOptions",
  method(function () {
    const s = numberFormatState(this, "resolvedOptions");
    const d = s.digits;
    const out = { locale: s.locale, numberingSystem: s.numberingSystem, style: s.style };
    if (s.style === "currency") {
      out.currency = s.currency;
      out.currencyDisplay = s.currencyDisplay;
      out.currencySign = s.currencySign;
    }
    if (s.style === "unit") {
      out.unit = s.unit;
      out.unitDisplay = s.unitDisplay;
    }
    out.minimumIntegerDigits = d.minimumIntegerDigits;
    if (d.minimumFractionDigits !== undefined && d.roundingType !== "significantDigits") {
      out.minimumFractionDigits = d.minimumFractionDigits;
      out.maximumFractionDigits = d.maximumFractionDigits;
    }
    if (d.minimumSignificantDigits !== undefined && d.roundingType !== "fractionDigits") {
      out.minimumSignificantDigits = d.minimumSignificantDigits;
      out.maximumSignificantDigits = d.maximumSignificantDigits;
    }
    out.useGrouping = s.useGrouping;
    out.notation = s.notation;
    if (s.notation === "compact") out.compactDisplay = s.compactDisplay;
    out.signDisplay = s.signDisplay;
    out.roundingIncrement = d.roundingIncrement;
    out.roundingMode = d.roundingMode;
    out.roundingPriority = d.roundingPriority;
    out.trailingZeroDisplay = d.trailingZeroDisplay;
    return out;
  }),
  0,
);
defineTag(NumberFormatPrototype, "Intl.NumberFormat");

/**
 * The formatter a `toLocaleString`-style call uses: made by `make(locales, options)`, and kept
 * (up to 64 locales) when the call names at most a locale, as such calls come in loops.
 */
function cachedFormatter(cache, make, locales, options) {
  if (options !== undefined || (locales !== undefined && typeof locales !== "string")) return make(locales, options);
  const key = locales ?? "";
  let made = cache.get(key);
  if (made === undefined) {
    made = make(locales, undefined);
    if (cache.size < 64) cache.set(key, made);
  }
  return made;
}

const numberFormatCache = new Map();

/** `Number.prototype.toLocaleString` and `BigInt.prototype.toLocaleString`. */
function numberToLocaleString(x, locales, options) {
  const nf = cachedFormatter(numberFormatCache, (l, o) => new NumberFormat(l, o), locales, options);
  return formatNumberToString(numberFormats.get(nf), x);
}

// ---------------------------------------------------------------------------------------------
// Intl.DateTimeFormat (§11)

const DATE_FIELDS = [
  ["weekday", ["narrow", "short", "long"]],
  ["era", ["narrow", "short", "long"]],
  ["year", ["2-digit", "numeric"]],
  ["month", ["2-digit", "numeric", "narrow", "short", "long"]],
  ["day", ["2-digit", "numeric"]],
  ["dayPeriod", ["narrow", "short", "long"]],
  ["hour", ["2-digit", "numeric"]],
  ["minute", ["2-digit", "numeric"]],
  ["second", ["2-digit", "numeric"]],
  ["fractionalSecondDigits", undefined],
  ["timeZoneName", ["short", "long", "shortOffset", "longOffset", "shortGeneric", "longGeneric"]],
];

const OFFSET_ZONE = /^([+-])([01]\d|2[0-3])(?::?([0-5]\d))?$/;

/** The time zone a string names, canonical ("UTC", "America/New_York", "+05:30"). */
function canonicalTimeZone(name) {
  const offset = OFFSET_ZONE.exec(name);
  if (offset !== null) {
    const minutes = offset[3] ?? "00";
    if (name.length > 3 && !name.includes(":") && offset[3] === undefined) throw new RangeError(`Invalid time zone: ${name}`);
    const sign = offset[2] === "00" && minutes === "00" ? "+" : offset[1];
    return `${sign}${offset[2]}:${minutes}`;
  }
  if (!/^[A-Za-z0-9_+\-/]+$/.test(name)) throw new RangeError(`Invalid time zone specified: ${name}`);
  const canonical = native.canonicalZone(name);
  if (canonical === undefined) throw new RangeError(`Invalid time zone specified: ${name}`);
  return canonical;
}

let defaultTimeZoneName;
function defaultTimeZone() {
  defaultTimeZoneName ??= native.defaultTimeZone;
  return defaultTimeZoneName;
}

/** The zone's offset from UTC in seconds at `epochMs`. */
function offsetSeconds(zone, epochMs) {
  if (zone === "UTC") return 0;
  const m = OFFSET_ZONE.exec(zone);
  if (m !== null) return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60);
  return native.zoneOffset(zone, epochMs);
}

const dateTimeFormats = new WeakMap();

function DateTimeFormat(locales = undefined, options = undefined) {
  const target = new.target === undefined ? DateTimeFormat : new.target;
  const proto = Object(target.prototype) === target.prototype ? target.prototype : DateTimeFormatPrototype;
  const dtf = Object.create(proto);
  dateTimeFormats.set(dtf, createDateTimeFormat(locales, options, "any", "date"));
  return new.target === undefined ? chainLegacy(this, DateTimeFormatPrototype, dtf) : dtf;
}

/** CreateDateTimeFormat: the resolved state; `required`/`defaults` as ECMA-402's table says. */
function createDateTimeFormat(locales, options, required, defaults) {
  const requested = canonicalizeLocaleList(locales);
  const opts = coerceOptions(options);
  const opt = Object.create(null);
  getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
  let calendar = getOption(opts, "calendar", "string", undefined, undefined);
  checkType(calendar, "calendar");
  if (calendar !== undefined) {
    calendar = calendar.toLowerCase();
    calendar = KEYWORD_ALIASES.ca[calendar] ?? calendar;
  }
  opt.ca = calendar;
  const numberingSystem = getOption(opts, "numberingSystem", "string", undefined, undefined);
  checkType(numberingSystem, "numberingSystem");
  opt.nu = numberingSystem;
  const hour12 = getOption(opts, "hour12", "boolean", undefined, undefined);
  let hourCycle = getOption(opts, "hourCycle", "string", ["h11", "h12", "h23", "h24"], undefined);
  if (hour12 !== undefined) hourCycle = null;
  opt.hc = hourCycle;
  const r = resolveLocale(requested, opt, ["ca", "hc", "nu"], (locale, key) => {
    if (key === "ca") return ["gregory", ...CALENDARS.filter((c) => c !== "gregory")];
    if (key === "nu") return ["latn", ...NUMBERING_SYSTEMS.filter((n) => n !== "latn")];
    return [null, "h11", "h12", "h23", "h24"];
  });
  const state = Object.create(null);
  state.locale = r.locale;
  state.dataLocale = r.dataLocale;
  state.calendar = r.ca;
  state.numberingSystem = r.nu;
  let timeZone = opts.timeZone;
  timeZone = timeZone === undefined ? defaultTimeZone() : canonicalTimeZone(`${timeZone}`);
  state.timeZone = timeZone;
  const fields = Object.create(null);
  let hasExplicit = false;
  const explicit = [];
  for (const [name, values] of DATE_FIELDS) {
    let value;
    if (name === "fractionalSecondDigits") value = getNumberOption(opts, name, 1, 3, undefined);
    else value = getOption(opts, name, "string", values, undefined);
    fields[name] = value;
    if (value !== undefined) {
      hasExplicit = true;
      explicit[explicit.length] = name;
    }
  }
  state.explicit = explicit;
  getOption(opts, "formatMatcher", "string", ["basic", "best fit"], "best fit");
  const dateStyle = getOption(opts, "dateStyle", "string", ["full", "long", "medium", "short"], undefined);
  const timeStyle = getOption(opts, "timeStyle", "string", ["full", "long", "medium", "short"], undefined);
  state.dateStyle = dateStyle;
  state.timeStyle = timeStyle;
  if (dateStyle !== undefined || timeStyle !== undefined) {
    if (hasExplicit) throw new TypeError("Intl.DateTimeFormat: dateStyle and timeStyle cannot be used with date and time fields");
    if (required === "date" && timeStyle !== undefined && dateStyle === undefined) throw new TypeError("Intl.DateTimeFormat: timeStyle is not allowed here");
    if (required === "time" && dateStyle !== undefined && timeStyle === undefined) throw new TypeError("Intl.DateTimeFormat: dateStyle is not allowed here");
    styleFields(fields, dateStyle, timeStyle);
  } else {
    let needDefaults = true;
    if (required === "date" || required === "any") {
      for (const f of ["weekday", "year", "month", "day"]) if (fields[f] !== undefined) needDefaults = false;
    }
    if (required === "time" || required === "any") {
      for (const f of ["dayPeriod", "hour", "minute", "second", "fractionalSecondDigits"]) if (fields[f] !== undefined) needDefaults = false;
    }
    if (needDefaults && (defaults === "date" || defaults === "all")) {
      fields.year = "numeric";
      fields.month = "numeric";
      fields.day = "numeric";
    }
    if (needDefaults && (defaults === "time" || defaults === "all")) {
      fields.hour = "numeric";
      fields.minute = "numeric";
      fields.second = "numeric";
    }
  }
  state.fields = fields;
  // The hour cycle: hour12 wins, then hourCycle (or -u-hc-), then the locale's.
  if (fields.hour !== undefined) {
    const localeCycle = localeHourCycle(r.dataLocale);
    let hc;
    // hour12: the locale's 12-hour cycle (h11 only in Japanese), or the 24-hour one.
    if (hour12 !== undefined) hc = hour12 ? (r.dataLocale.split("-")[0] === "ja" ? "h11" : "h12") : "h23";
    else hc = r.hc ?? localeCycle;
    if (hour12 === undefined && hourCycle === undefined && r.hc === null) hc = localeCycle;
    state.hourCycle = hc;
  }
  if (hour12 !== undefined || hourCycle === null) {
    // The -u-hc- keyword is not kept when hour12 decided.
    state.locale = state.locale.replace(/-hc-h(11|12|23|24)/, "").replace(/-u$/, "");
  }
  state.bound = undefined;
  state.pattern = undefined;
  return state;
}

function localeHourCycle(locale) {
  const language = locale.split("-")[0];
  const region = (locale.split("-").find((p, i) => i > 0 && REGION.test(p)) ?? "").toUpperCase();
  if (language === "ja") return "h23";
  if (["US", "CA", "AU", "NZ", "IN", "PH", "PK", "EG", "SA", "MX", "CO", "BD", "TW", "MY", "KR", "GR", "AE"].includes(region)) return "h12";
  if (region === "" && ["en", "hi", "ar", "ko", "bn", "ur", "fil"].includes(language)) return "h12";
  return "h23";
}

function styleFields(fields, dateStyle, timeStyle) {
  switch (dateStyle) {
    case "full":
      Object.assign(fields, { weekday: "long", year: "numeric", month: "long", day: "numeric" });
      break;
    case "long":
      Object.assign(fields, { year: "numeric", month: "long", day: "numeric" });
      break;
    case "medium":
      Object.assign(fields, { year: "numeric", month: "short", day: "numeric" });
      break;
    case "short":
      Object.assign(fields, { year: "2-digit", month: "numeric", day: "numeric" });
      break;
  }
  switch (timeStyle) {
    case "full":
      Object.assign(fields, { hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "long" });
      break;
    case "long":
      Object.assign(fields, { hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "short" });
      break;
    case "medium":
      Object.assign(fields, { hour: "numeric", minute: "2-digit", second: "2-digit" });
      break;
    case "short":
      Object.assign(fields, { hour: "numeric", minute: "2-digit" });
      break;
  }
}

/** The UTS 35 skeleton for the resolved fields. */
function skeletonOf(state) {
  const f = state.fields;
  let out = "";
  const widths = { narrow: 5, short: 1, long: 4 };
  if (f.era !== undefined) out += "G".repeat(f.era === "long" ? 4 : f.era === "narrow" ? 5 : 1);
  if (f.year !== undefined) out += f.year === "2-digit" ? "yy" : "y";
  if (f.month !== undefined) out += { "2-digit": "MM", numeric: "M", short: "MMM", long: "MMMM", narrow: "MMMMM" }[f.month];
  if (f.day !== undefined) out += f.day === "2-digit" ? "dd" : "d";
  if (f.weekday !== undefined) out += "E".repeat(f.weekday === "long" ? 4 : widths[f.weekday] === 5 ? 5 : 1);
  if (f.hour !== undefined) {
    const letter = { h11: "K", h12: "h", h23: "H", h24: "k" }[state.hourCycle] ?? "j";
    out += f.hour === "2-digit" ? letter + letter : letter;
  }
  // The engine formats no minutes or seconds without hours: they are asked for, then dropped.
  const hourless = f.hour === undefined && (f.minute !== undefined || f.second !== undefined);
  if (hourless) out += "H";
  if (f.minute !== undefined) out += f.minute === "2-digit" ? "mm" : "m";
  else if (hourless) out += "m";
  if (f.second !== undefined) out += f.second === "2-digit" ? "ss" : "s";
  if (f.fractionalSecondDigits !== undefined) out += "S".repeat(f.fractionalSecondDigits);
  if (f.timeZoneName !== undefined) {
    out += { short: "z", long: "zzzz", shortOffset: "O", longOffset: "OOOO", shortGeneric: "v", longGeneric: "vvvv" }[f.timeZoneName];
  }
  return out;
}

function dateTimeFormatState(value, method) {
  return formatState(dateTimeFormats, DateTimeFormatPrototype, "DateTimeFormat", value, method);
}

/** TimeClip of the argument: now for undefined, a RangeError for an invalid date. */
function timeValue(date) {
  // A Temporal value formats by its own fields (HandleDateTimeValue).
  const record = typeof date === "object" && date !== null && temporalHooks.record !== undefined ? temporalHooks.record(date) : undefined;
  if (record !== undefined) return record;
  // TimeClip's RangeError comes when formatting, after a range's ends are both read.
  return date === undefined ? Date.now() : +date;
}

/** TimeClip, or the RangeError. */
function clipTime(x) {
  if (!Number.isFinite(x) || Math.abs(x) > 8.64e15) throw new RangeError("Invalid time value");
  return Math.trunc(x) + 0;
}

const TEMPORAL_DATE_FIELDS = ["weekday", "era", "year", "month", "day"];
const TEMPORAL_TIME_FIELDS = ["dayPeriod", "hour", "minute", "second", "fractionalSecondDigits"];
/** Per Temporal kind: the fields it can show, and those it shows by default. */
const TEMPORAL_KINDS = {
  plainDate: [TEMPORAL_DATE_FIELDS, ["year", "month", "day"]],
  plainYearMonth: [["era", "year", "month"], ["year", "month"]],
  plainMonthDay: [["month", "day"], ["month", "day"]],
  plainTime: [TEMPORAL_TIME_FIELDS, ["hour", "minute", "second"]],
  plainDateTime: [[...TEMPORAL_DATE_FIELDS, ...TEMPORAL_TIME_FIELDS], ["year", "month", "day", "hour", "minute", "second"]],
  instant: [[...TEMPORAL_DATE_FIELDS, ...TEMPORAL_TIME_FIELDS, "timeZoneName"], ["year", "month", "day", "hour", "minute", "second"]],
};

/**
 * The format a DateTimeFormat uses for one kind of Temporal value: its fields that the kind
 * has (or the kind's defaults); a TypeError if it asked only for fields the kind lacks.
 */
function temporalState(state, record) {
  const kind = record.kind;
  if (kind === "zonedDateTime") throw new TypeError("Intl.DateTimeFormat: format a ZonedDateTime with its toLocaleString()");
  const calendar = record.calendar;
  if (kind === "plainYearMonth" || kind === "plainMonthDay") {
    if (calendar !== state.calendar) throw new RangeError(`Intl.DateTimeFormat: a ${calendar} value in a ${state.calendar} format`);
  } else if (calendar !== "iso8601" && calendar !== state.calendar) {
    throw new RangeError(`Intl.DateTimeFormat: a ${calendar} value in a ${state.calendar} format`);
  }
  state.temporal ??= Object.create(null);
  let sub = state.temporal[kind];
  if (sub !== undefined) return sub;
  const [relevant, defaults] = TEMPORAL_KINDS[kind];
  const fields = Object.create(null);
  if (state.dateStyle !== undefined || state.timeStyle !== undefined) {
    const dateLike = kind !== "plainTime";
    const timeLike = kind === "plainTime" || kind === "plainDateTime" || kind === "instant";
    const dateStyle = dateLike ? state.dateStyle : undefined;
    const timeStyle = timeLike ? state.timeStyle : undefined;
    if (dateStyle === undefined && timeStyle === undefined) throw new TypeError(`Intl.DateTimeFormat: its style has nothing a ${kind} shows`);
    const styled = Object.create(null);
    styleFields(styled, dateStyle, timeStyle);
    for (const name in styled) if (relevant.indexOf(name) !== -1 && styled[name] !== undefined) fields[name] = styled[name];
  } else {
    // The explicit component fields decide; era and timeZoneName come along where they fit.
    const components = ["weekday", "year", "month", "day", "dayPeriod", "hour", "minute", "second", "fractionalSecondDigits"];
    let asked = 0;
    let any = false;
    for (const name of state.explicit) {
      if (components.indexOf(name) === -1) continue;
      asked++;
      if (relevant.indexOf(name) !== -1) {
        fields[name] = state.fields[name];
        any = true;
      }
    }
    if (asked > 0 && !any) throw new TypeError(`Intl.DateTimeFormat: none of its fields is in a ${kind}`);
    if (asked === 0) for (const name of defaults) fields[name] = "numeric";
    for (const name of ["era", "timeZoneName"]) {
      if (state.explicit.indexOf(name) !== -1 && relevant.indexOf(name) !== -1) fields[name] = state.fields[name];
    }
  }
  sub = Object.create(null);
  for (const key in state) sub[key] = state[key];
  sub.fields = fields;
  sub.pattern = undefined;
  sub.temporal = undefined;
  if (kind !== "instant") sub.timeZone = "UTC";
  if (fields.hour !== undefined && sub.hourCycle === undefined) sub.hourCycle = localeHourCycle(state.dataLocale);
  if (fields.hour === undefined) sub.hourCycle = undefined;
  state.temporal[kind] = sub;
  return sub;
}

/** The proleptic Gregorian fields of `ms` since the epoch (UTC), for any integer `ms`. */
function civilFields(ms) {
  const msPerDay = 86400000;
  let days = Math.floor(ms / msPerDay);
  let rest = ms - days * msPerDay;
  const hour = Math.floor(rest / 3600000);
  rest -= hour * 3600000;
  const minute = Math.floor(rest / 60000);
  rest -= minute * 60000;
  const second = Math.floor(rest / 1000);
  const millisecond = rest - second * 1000;
  // Days to a civil date, in 400-year eras that start on March 1st.
  days += 719468;
  const era = Math.floor(days / 146097);
  const dayOfEra = days - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day, hour, minute, second, millisecond];
}

/** FormatDateTimePattern as parts. */
function partitionDateTime(state, x, clipped = false) {
  if (typeof x === "object") {
    const sub = temporalState(state, x);
    return partitionDateTime(sub, x.ms, true);
  }
  if (!clipped) x = clipTime(x);
  if (state.pattern === undefined) {
    let locale = state.dataLocale;
    const keywords = [];
    if (state.calendar !== undefined && state.calendar !== "gregory") keywords.push(`ca-${state.calendar}`);
    if (state.hourCycle !== undefined) keywords.push(`hc-${state.hourCycle}`);
    if (state.numberingSystem !== undefined && state.numberingSystem !== "latn") keywords.push(`nu-${state.numberingSystem}`);
    if (keywords.length > 0) locale += `-u-${keywords.join("-")}`;
    state.pattern = new native.DateTimePattern(locale, skeletonOf(state));
  }
  const offset = offsetSeconds(state.timeZone, x);
  // By arithmetic, not a Date: local time may lie just past Date's range (±8.64e15 ms).
  const [year, month, day, hour, minute, second, millisecond] = civilFields(x + offset * 1000);
  const raw = state.pattern.format(
    year,
    month,
    day,
    hour,
    minute,
    second,
    millisecond,
    offset,
    OFFSET_ZONE.test(state.timeZone) ? "" : state.timeZone,
    x,
  );
  const parts = [];
  // V8 (Node, Deno, Chrome) writes an ordinary space where CLDR has U+202F ("6:59 AM"): apps
  // parse that output, so Edge does the same.
  for (const [type, value] of raw) parts[parts.length] = { type, value: type === "literal" ? value.replaceAll("\u202f", " ") : value };
  const f = state.fields;
  if (f.fractionalSecondDigits !== undefined) splitFractionalSecond(parts);
  if (f.hour === undefined && (f.minute !== undefined || f.second !== undefined)) return dropHelperFields(parts, f);
  return parts;
}

/** The engine's "03.56" second: the second, the separator and the fractionalSecond. */
function splitFractionalSecond(parts) {
  const at = parts.findIndex((p) => p.type === "second");
  if (at === -1) return;
  const m = /^(\p{Nd}+)(\P{Nd}+)(\p{Nd}+)$/u.exec(parts[at].value);
  if (m === null) return;
  parts.splice(at, 1, { type: "second", value: m[1] }, { type: "literal", value: m[2] }, { type: "fractionalSecond", value: m[3] });
}

/** Without the hour (and minute) fields the skeleton added: "02:03", or a lone "3". */
function dropHelperFields(parts, f) {
  const drop = (type) => {
    const at = parts.findIndex((p) => p.type === type);
    if (at === -1) return;
    const next = parts[at + 1];
    parts.splice(at, next !== undefined && next.type === "literal" ? 2 : 1);
  };
  drop("hour");
  if (f.minute === undefined) drop("minute");
  if (f.dayPeriod === undefined) {
    const at = parts.findIndex((p) => p.type === "dayPeriod");
    if (at !== -1) {
      const before = parts[at - 1];
      parts.splice(before !== undefined && before.type === "literal" ? at - 1 : at, before !== undefined && before.type === "literal" ? 2 : 1);
    }
  }
  const kept = parts.filter((p) => p.type === "minute" || p.type === "second");
  if (kept.length === 1 && f[kept[0].type] === "numeric") {
    // "05" is "5" on its own, in any digits.
    const chars = [...kept[0].value];
    if (chars.length > 1 && isZeroDigit(chars[0]) && isDigitChar(chars[1])) kept[0].value = chars.slice(1).join("");
  }
  return parts;
}

function formatDateTimeToString(state, x) {
  let out = "";
  for (const part of partitionDateTime(state, x)) out += part.value;
  return out;
}

const DateTimeFormatPrototype = DateTimeFormat.prototype;
Object.defineProperty(DateTimeFormat, "prototype", { writable: false, enumerable: false, configurable: false });
supportedLocalesOf(DateTimeFormat);
defineFormatMethods(DateTimeFormatPrototype, "DateTimeFormat", dateTimeFormatState, timeValue, partitionDateTime, {
  checkRange(x, y) {
    const kind = (v) => (typeof v === "object" ? v.kind : "number");
    if (kind(x) !== kind(y)) throw new TypeError("Intl.DateTimeFormat: a range's ends must be of one kind");
  },
  same: (a) => a,
  separator: () => " – ",
});
defineMethod(
  DateTimeFormatPrototype,
  "resolvedOptions",
  method(function () {
    const s = dateTimeFormatState(this, "resolvedOptions");
    const out = { locale: s.locale, calendar: s.calendar, numberingSystem: s.numberingSystem, timeZone: s.timeZone };
    if (s.hourCycle !== undefined) {
      createData(out, "hourCycle", s.hourCycle);
      createData(out, "hour12", s.hourCycle === "h11" || s.hourCycle === "h12");
    }
    if (s.dateStyle === undefined && s.timeStyle === undefined) {
      for (const [name] of DATE_FIELDS) if (s.fields[name] !== undefined) createData(out, name, s.fields[name]);
    }
    if (s.dateStyle !== undefined) createData(out, "dateStyle", s.dateStyle);
    if (s.timeStyle !== undefined) createData(out, "timeStyle", s.timeStyle);
    return out;
  }),
  0,
);
defineTag(DateTimeFormatPrototype, "Intl.DateTimeFormat");

const dateFormatCache = new Map();

/** `Date.prototype.toLocaleString` and friends: `required`/`defaults` per ECMA-402. */
function dateToLocaleString(x, locales, options, required, defaults) {
  if (Number.isNaN(x)) return "Invalid Date";
  let state;
  if (locales === undefined && options === undefined) {
    const key = `${required}/${defaults}`;
    state = dateFormatCache.get(key);
    if (state === undefined) {
      state = createDateTimeFormat(undefined, undefined, required, defaults);
      dateFormatCache.set(key, state);
    }
  } else {
    state = createDateTimeFormat(locales, options, required, defaults);
  }
  return formatDateTimeToString(state, x);
}

// ---------------------------------------------------------------------------------------------
// Intl.ListFormat (§13)

/** StringListFromIterable: the strings of an iterable (anything else is a TypeError). */
function stringList(iterable) {
  if (iterable === undefined) return [];
  const out = [];
  const iterator = iterable[Symbol.iterator]();
  for (;;) {
    const next = iterator.next();
    if (next.done) return out;
    if (typeof next.value !== "string") {
      if (typeof iterator.return === "function") iterator.return();
      throw new TypeError("Intl.ListFormat: every element must be a string");
    }
    out[out.length] = next.value;
  }
}

class ListFormat {
  #locale;
  #dataLocale;
  #type;
  #style;
  constructor(locales = undefined, options = undefined) {
    const requested = canonicalizeLocaleList(locales);
    const opts = optionsObject(options);
    getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
    const r = resolveLocale(requested, Object.create(null), [], () => [null]);
    this.#locale = r.locale;
    this.#dataLocale = r.dataLocale;
    this.#type = getOption(opts, "type", "string", ["conjunction", "disjunction", "unit"], "conjunction");
    this.#style = getOption(opts, "style", "string", ["long", "short", "narrow"], "long");
  }
  static #check(value, method) {
    if (typeof value !== "object" || value === null || !(#locale in value)) {
      throw new TypeError(`Intl.ListFormat.prototype.${method} called on an object that is not an Intl.ListFormat`);
    }
  }
  #parts(list) {
    return native.formatList(this.#dataLocale, this.#type, this.#style, stringList(list));
  }
  format(list) {
    ListFormat.#check(this, "format");
    let out = "";
    for (const [, text] of this.#parts(list)) out += text;
    return out;
  }
  formatToParts(list) {
    ListFormat.#check(this, "formatToParts");
    const out = [];
    for (const [type, value] of this.#parts(list)) out[out.length] = { type, value };
    return out;
  }
  resolvedOptions() {
    ListFormat.#check(this, "resolvedOptions");
    return { locale: this.#locale, type: this.#type, style: this.#style };
  }
}
supportedLocalesOf(ListFormat);
defineTag(ListFormat.prototype, "Intl.ListFormat");

// ---------------------------------------------------------------------------------------------
// Intl.Locale (§14) and the Intl Locale Info methods

const LANGUAGE = /^(?:[a-z]{2,3}|[a-z]{5,8})$/i;
const SCRIPT = /^[a-z]{4}$/i;
const REGION = /^(?:[a-z]{2}|[0-9]{3})$/i;
const VARIANT = /^(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3})$/i;
const LOCALE_KEYS = ["ca", "co", "fw", "hc", "kf", "kn", "nu"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** The parts of a canonical tag: its base name's subtags and its `-u-` keywords. */
function splitTag(tag) {
  const parts = tag.split("-");
  let i = 1;
  const base = { language: parts[0], script: undefined, region: undefined, variants: [] };
  if (i < parts.length && SCRIPT.test(parts[i])) base.script = parts[i++];
  if (i < parts.length && REGION.test(parts[i])) base.region = parts[i++];
  while (i < parts.length && parts[i].length > 1) base.variants[base.variants.length] = parts[i++];
  const baseName = parts.slice(0, i).join("-");
  const rest = parts.slice(i);
  const keywords = Object.create(null);
  const attributes = [];
  const others = [];
  for (let j = 0; j < rest.length; ) {
    const singleton = rest[j];
    let k = j + 1;
    if (singleton === "x") {
      k = rest.length;
      others[others.length] = rest.slice(j).join("-");
    } else {
      while (k < rest.length && rest[k].length > 1) k++;
      if (singleton === "u") {
        let m = j + 1;
        while (m < k && rest[m].length > 2) attributes[attributes.length] = rest[m++];
        while (m < k) {
          const key = rest[m++];
          const values = [];
          while (m < k && rest[m].length > 2) values[values.length] = rest[m++];
          if (!(key in keywords)) keywords[key] = values.join("-");
        }
      } else {
        others[others.length] = rest.slice(j, k).join("-");
      }
    }
    j = k;
  }
  return { base, baseName, keywords, attributes, others };
}

/** A tag from its parts (the `-u-` extension placed by singleton order, private use last). */
function joinTag(baseName, keywords, attributes, others) {
  const keys = Object.keys(keywords).sort();
  let u = "";
  if (attributes.length > 0 || keys.length > 0) {
    u = "u";
    for (const a of attributes) u += `-${a}`;
    for (const key of keys) u += keywords[key] === "" ? `-${key}` : `-${key}-${keywords[key]}`;
  }
  const extensions = [...others];
  if (u !== "") extensions.push(u);
  extensions.sort((a, b) => {
    if (a[0] === "x") return 1;
    if (b[0] === "x") return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return [baseName, ...extensions].join("-");
}

function weekdayToString(value) {
  const n = { 0: "sun", 1: "mon", 2: "tue", 3: "wed", 4: "thu", 5: "fri", 6: "sat", 7: "sun" }[value];
  return n ?? value;
}

function checkType(value, option) {
  if (value !== undefined && !TYPE_PATTERN.test(value)) {
    throw new RangeError(`Intl.Locale: invalid ${option} ${value}`);
  }
}

const localeStates = new WeakMap();

class Locale {
  constructor(tag, options = undefined) {
    if (new.target === undefined) throw new TypeError("Intl.Locale must be called with new");
    if (typeof tag !== "string" && (typeof tag !== "object" || tag === null)) {
      throw new TypeError("Intl.Locale: the tag must be a string or an Intl.Locale");
    }
    let text = isLocale(tag) ? localeStates.get(tag).tag : `${tag}`;
    const opts = coerceOptions(options);
    text = native.canonicalize(text);
    // UpdateLanguageId
    const parsed = splitTag(text);
    const language = getOption(opts, "language", "string", undefined, parsed.base.language);
    if (!LANGUAGE.test(language)) throw new RangeError(`Intl.Locale: invalid language ${language}`);
    const script = getOption(opts, "script", "string", undefined, parsed.base.script);
    if (script !== undefined && !SCRIPT.test(script)) throw new RangeError(`Intl.Locale: invalid script ${script}`);
    const region = getOption(opts, "region", "string", undefined, parsed.base.region);
    if (region !== undefined && !REGION.test(region)) throw new RangeError(`Intl.Locale: invalid region ${region}`);
    const variantsText = getOption(opts, "variants", "string", undefined, undefined);
    let variants = parsed.base.variants;
    if (variantsText !== undefined) {
      variants = variantsText.split("-");
      if (variantsText === "" || !variants.every((v) => VARIANT.test(v))) {
        throw new RangeError(`Intl.Locale: invalid variants ${variantsText}`);
      }
      const lower = variants.map((v) => v.toLowerCase());
      if (new Set(lower).size !== lower.length) throw new RangeError(`Intl.Locale: duplicate variants ${variantsText}`);
    }
    let baseName = language;
    if (script !== undefined) baseName += `-${script}`;
    if (region !== undefined) baseName += `-${region}`;
    for (const v of variants) baseName += `-${v}`;
    // The Unicode extension keywords the options set.
    const opt = Object.create(null);
    opt.ca = getOption(opts, "calendar", "string", undefined, undefined);
    checkType(opt.ca, "calendar");
    opt.co = getOption(opts, "collation", "string", undefined, undefined);
    checkType(opt.co, "collation");
    let fw = getOption(opts, "firstDayOfWeek", "string", undefined, undefined);
    if (fw !== undefined) {
      fw = weekdayToString(fw);
      checkType(fw, "firstDayOfWeek");
    }
    opt.fw = fw;
    opt.hc = getOption(opts, "hourCycle", "string", ["h11", "h12", "h23", "h24"], undefined);
    opt.kf = getOption(opts, "caseFirst", "string", ["upper", "lower", "false"], undefined);
    const kn = getOption(opts, "numeric", "boolean", undefined, undefined);
    opt.kn = kn === undefined ? undefined : String(kn);
    opt.nu = getOption(opts, "numberingSystem", "string", undefined, undefined);
    checkType(opt.nu, "numberingSystem");
    const keywords = parsed.keywords;
    for (const key of LOCALE_KEYS) {
      if (opt[key] !== undefined) keywords[key] = opt[key] === "true" ? "" : opt[key];
    }
    const joined = joinTag(baseName, keywords, parsed.attributes, parsed.others);
    const canonical = canonicalizeKeywords(native.canonicalize(joined));
    const final = splitTag(canonical);
    localeStates.set(this, { tag: canonical, parts: final });
  }
  static #state(value, name) {
    const state = typeof value === "object" && value !== null ? localeStates.get(value) : undefined;
    if (state === undefined) throw new TypeError(`Intl.Locale.prototype.${name} called on an object that is not an Intl.Locale`);
    return state;
  }
  toString() {
    return Locale.#state(this, "toString").tag;
  }
  toJSON() {
    return Locale.#state(this, "toJSON").tag;
  }
  maximize() {
    const s = Locale.#state(this, "maximize");
    return new Locale(native.maximize(s.tag));
  }
  minimize() {
    const s = Locale.#state(this, "minimize");
    return new Locale(native.minimize(s.tag));
  }
  get baseName() {
    return Locale.#state(this, "baseName").parts.baseName;
  }
  get calendar() {
    return keyword(Locale.#state(this, "calendar"), "ca");
  }
  get caseFirst() {
    return keyword(Locale.#state(this, "caseFirst"), "kf");
  }
  get collation() {
    return keyword(Locale.#state(this, "collation"), "co");
  }
  get firstDayOfWeek() {
    return keyword(Locale.#state(this, "firstDayOfWeek"), "fw");
  }
  get hourCycle() {
    return keyword(Locale.#state(this, "hourCycle"), "hc");
  }
  get numeric() {
    const kn = keyword(Locale.#state(this, "numeric"), "kn");
    return kn === "" || kn === "true";
  }
  get numberingSystem() {
    return keyword(Locale.#state(this, "numberingSystem"), "nu");
  }
  get language() {
    return Locale.#state(this, "language").parts.base.language;
  }
  get script() {
    return Locale.#state(this, "script").parts.base.script;
  }
  get region() {
    return Locale.#state(this, "region").parts.base.region;
  }
  get variants() {
    const v = Locale.#state(this, "variants").parts.base.variants;
    return v.length === 0 ? undefined : v.join("-");
  }
  getCalendars() {
    const s = Locale.#state(this, "getCalendars");
    const ca = keyword(s, "ca");
    if (ca !== undefined) return [ca];
    return [preferredCalendar(s)];
  }
  getCollations() {
    const s = Locale.#state(this, "getCollations");
    const co = keyword(s, "co");
    if (co !== undefined) return [co];
    return [...collationsOf(s.parts.base.language)].filter((c) => c !== "emoji" && c !== "eor").concat(["emoji", "eor"]).sort();
  }
  getHourCycles() {
    const s = Locale.#state(this, "getHourCycles");
    const hc = keyword(s, "hc");
    if (hc !== undefined) return [hc];
    return [preferredHourCycle(s)];
  }
  getNumberingSystems() {
    const s = Locale.#state(this, "getNumberingSystems");
    const nu = keyword(s, "nu");
    if (nu !== undefined) return [nu];
    return [preferredNumberingSystem(s)];
  }
  getTimeZones() {
    const s = Locale.#state(this, "getTimeZones");
    if (s.parts.base.region === undefined) return undefined;
    return native.timeZonesOf ? native.timeZonesOf(s.parts.base.region) : [];
  }
  getTextInfo() {
    const s = Locale.#state(this, "getTextInfo");
    const info = {};
    info.direction = native.isRightToLeft(s.tag) ? "rtl" : "ltr";
    return info;
  }
  getWeekInfo() {
    const s = Locale.#state(this, "getWeekInfo");
    const region = likelyRegion(s);
    const week = weekData(region);
    const fw = keyword(s, "fw");
    const info = {};
    const fwIndex = fw === undefined ? -1 : WEEKDAYS.indexOf(fw);
    info.firstDay = fwIndex > 0 ? fwIndex : fwIndex === 0 ? 7 : week.firstDay;
    info.weekend = week.weekend;
    return info;
  }
}

function keyword(state, key) {
  return state.parts.keywords[key];
}

/** The region a locale's data follows: its `-u-rg-`, its own region, or its likely one. */
function likelyRegion(state) {
  for (const key of ["rg", "sd"]) {
    const value = state.parts.keywords[key];
    if (value !== undefined && /^[a-z]{2}/i.test(value)) return value.slice(0, 2).toUpperCase();
  }
  if (state.parts.base.region !== undefined) return state.parts.base.region.toUpperCase();
  const max = splitTag(native.maximize(state.parts.baseName));
  return max.base.region?.toUpperCase() ?? "001";
}

function preferredCalendar(state) {
  const region = likelyRegion(state);
  if (region === "TH") return "buddhist";
  if (region === "AF" || region === "IR") return "persian";
  if (region === "SA") return "islamic-umalqura";
  return "gregory";
}

function preferredHourCycle(state) {
  const region = likelyRegion(state);
  const h12 = ["US", "CA", "AU", "NZ", "IN", "PH", "PK", "EG", "SA", "MX", "CO", "BD", "KR", "TW", "MY"];
  if (region === "JP") return "h23";
  return h12.includes(region) ? "h12" : "h23";
}

function preferredNumberingSystem(state) {
  const language = state.parts.base.language;
  if (language === "ar" && ["EG", "SA", "SD", "IQ", "SY", "JO", "KW", "LB", "OM", "QA", "YE", "BH", "AE"].includes(likelyRegion(state))) {
    return "arab";
  }
  if (language === "fa") return "arabext";
  if (language === "bn") return "beng";
  if (language === "mr" || language === "ne") return "deva";
  if (language === "my") return "mymr";
  return "latn";
}

/** CLDR's week data for a region (the regions that differ from the world's Monday, 1 day). */
function weekData(region) {
  const sunday = ["AG", "AS", "BD", "BR", "BS", "BT", "BW", "BZ", "CA", "CN", "CO", "DM", "DO", "ET", "GT", "GU", "HK", "HN", "ID", "IL", "IN", "JM", "JP", "KE", "KH", "KR", "LA", "MH", "MM", "MO", "MT", "MX", "MZ", "NI", "NP", "PA", "PE", "PH", "PK", "PR", "PT", "PY", "SA", "SG", "SV", "TH", "TT", "TW", "UM", "US", "VE", "VI", "WS", "YE", "ZA", "ZW"];
  const saturday = ["AE", "AF", "BH", "DJ", "DZ", "EG", "IQ", "IR", "JO", "KW", "LY", "OM", "QA", "SD", "SY"];
  const friday = ["MV"];
  let weekend = [6, 7];
  if (["AE", "BH", "DZ", "EG", "IQ", "JO", "KW", "LY", "OM", "QA", "SA", "SD", "SY", "YE"].includes(region)) weekend = [5, 6];
  if (region === "AF") weekend = [4, 5];
  if (region === "IR") weekend = [5];
  if (region === "IN" || region === "UG") weekend = [7];
  const firstDay = sunday.includes(region) ? 7 : saturday.includes(region) ? 6 : friday.includes(region) ? 5 : 1;
  return { firstDay, weekend };
}

defineTag(Locale.prototype, "Intl.Locale");

// ---------------------------------------------------------------------------------------------
// Intl.RelativeTimeFormat (§17)

const RELATIVE_UNITS = ["second", "minute", "hour", "day", "week", "month", "quarter", "year"];

/** SingularRelativeTimeUnit: "days" is "day"; anything else is a RangeError. */
function singularUnit(unit) {
  const singular = unit.length > 1 && unit[unit.length - 1] === "s" ? unit.slice(0, -1) : unit;
  if (indexOf(RELATIVE_UNITS, singular) === -1) throw new RangeError(`Intl.RelativeTimeFormat: invalid unit ${unit}`);
  return singular;
}

class RelativeTimeFormat {
  #locale;
  #dataLocale;
  #style;
  #numeric;
  #numberingSystem;
  #numberFormat;
  constructor(locales = undefined, options = undefined) {
    const requested = canonicalizeLocaleList(locales);
    const opts = coerceOptions(options);
    const opt = Object.create(null);
    getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
    const numberingSystem = getOption(opts, "numberingSystem", "string", undefined, undefined);
    checkType(numberingSystem, "numberingSystem");
    opt.nu = numberingSystem;
    const r = resolveLocale(requested, opt, ["nu"], () => ["latn", ...NUMBERING_SYSTEMS.filter((n) => n !== "latn")]);
    this.#locale = r.locale;
    this.#dataLocale = r.dataLocale;
    this.#numberingSystem = r.nu;
    this.#style = getOption(opts, "style", "string", ["long", "short", "narrow"], "long");
    this.#numeric = getOption(opts, "numeric", "string", ["always", "auto"], "always");
    const nfOptions = Object.create(null);
    nfOptions.numberingSystem = r.nu;
    this.#numberFormat = numberFormats.get(new NumberFormat(r.locale, nfOptions));
  }
  static #check(value, method) {
    if (typeof value !== "object" || value === null || !(#locale in value)) {
      throw new TypeError(`Intl.RelativeTimeFormat.prototype.${method} called on an object that is not an Intl.RelativeTimeFormat`);
    }
  }
  /** PartitionRelativeTimePattern: parts with `unit` on the number's parts. */
  #parts(value, unit) {
    const x = +value;
    const u = singularUnit(`${unit}`);
    if (!Number.isFinite(x)) throw new RangeError("Intl.RelativeTimeFormat: the value must be finite");
    if (this.#numeric === "auto") {
      const names = native.relativeNames(this.#dataLocale, u, this.#style);
      const key = `${x}`;
      if (Object.prototype.hasOwnProperty.call(names, key)) return [{ type: "literal", value: names[key] }];
    }
    const past = x < 0 || Object.is(x, -0);
    const abs = past ? -x : x;
    const pattern = native.relativePattern(this.#dataLocale, u, this.#style, past, formatDigits(abs, this.#numberFormat.digits));
    const number = partitionNumber(this.#numberFormat, abs);
    const out = [];
    const at = pattern.indexOf("{0}");
    // A pattern with the number in words (Arabic "خلال يوم واحد", in one day).
    if (at === -1) return [{ type: "literal", value: pattern }];
    if (at > 0) out[out.length] = { type: "literal", value: pattern.slice(0, at) };
    for (let i = 0; i < number.length; i++) out[out.length] = { type: number[i].type, value: number[i].value, unit: u };
    if (at + 3 < pattern.length) out[out.length] = { type: "literal", value: pattern.slice(at + 3) };
    return out;
  }
  format(value, unit) {
    RelativeTimeFormat.#check(this, "format");
    let out = "";
    for (const part of this.#parts(value, unit)) out += part.value;
    return out;
  }
  formatToParts(value, unit) {
    RelativeTimeFormat.#check(this, "formatToParts");
    return this.#parts(value, unit);
  }
  resolvedOptions() {
    RelativeTimeFormat.#check(this, "resolvedOptions");
    return { locale: this.#locale, style: this.#style, numeric: this.#numeric, numberingSystem: this.#numberingSystem };
  }
}
supportedLocalesOf(RelativeTimeFormat);
defineTag(RelativeTimeFormat.prototype, "Intl.RelativeTimeFormat");

// ---------------------------------------------------------------------------------------------
// Intl.DisplayNames (§12)

const DATE_TIME_FIELDS = {
  era: "era",
  year: "year",
  quarter: "quarter",
  month: "month",
  weekOfYear: "week",
  weekday: "day of the week",
  day: "day",
  dayPeriod: "AM/PM",
  hour: "hour",
  minute: "minute",
  second: "second",
  timeZoneName: "time zone",
};
const CALENDAR_NAMES = {
  buddhist: "Buddhist Calendar",
  chinese: "Chinese Calendar",
  coptic: "Coptic Calendar",
  dangi: "Dangi Calendar",
  ethioaa: "Ethiopic Amete Alem Calendar",
  ethiopic: "Ethiopic Calendar",
  gregory: "Gregorian Calendar",
  hebrew: "Hebrew Calendar",
  indian: "Indian National Calendar",
  islamic: "Hijri Calendar",
  "islamic-civil": "Hijri Calendar (tabular, civil epoch)",
  "islamic-tbla": "Hijri Calendar (tabular, astronomical epoch)",
  "islamic-umalqura": "Hijri Calendar (Umm al-Qura)",
  iso8601: "ISO-8601 Calendar",
  japanese: "Japanese Calendar",
  persian: "Persian Calendar",
  roc: "Minguo Calendar",
};
/** unicode_language_id without extensions: language, script, region, variants. */
const LANGUAGE_ID = /^(?:[a-z]{2,3}|[a-z]{5,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?((?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)$/i;

/** CanonicalCodeForDisplayNames: the code checked and in canonical form. */
function canonicalCode(type, code) {
  switch (type) {
    case "language": {
      const match = LANGUAGE_ID.exec(code);
      if (match === null) throw new RangeError(`Intl.DisplayNames: invalid language code ${code}`);
      const variants = match[1].toLowerCase().split("-").slice(1);
      for (let i = 0; i < variants.length; i++) {
        if (variants.indexOf(variants[i]) !== i) throw new RangeError(`Intl.DisplayNames: duplicate variant in ${code}`);
      }
      try {
        return canonicalizeKeywords(native.canonicalize(code));
      } catch {
        // A 5-8 letter language, which the engine's tags cannot hold: case-folded as is.
        return code
          .split("-")
          .map((s, i) => (i === 0 ? s.toLowerCase() : s.length === 4 && /^[a-z]/i.test(s) ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s.length < 4 ? s.toUpperCase() : s.toLowerCase()))
          .join("-");
      }
    }
    case "region":
      if (!REGION.test(code)) throw new RangeError(`Intl.DisplayNames: invalid region code ${code}`);
      return code.toUpperCase();
    case "script":
      if (!SCRIPT.test(code)) throw new RangeError(`Intl.DisplayNames: invalid script code ${code}`);
      return code[0].toUpperCase() + code.slice(1).toLowerCase();
    case "calendar":
      if (!TYPE_PATTERN.test(code)) throw new RangeError(`Intl.DisplayNames: invalid calendar code ${code}`);
      return code.toLowerCase();
    case "dateTimeField":
      if (!Object.prototype.hasOwnProperty.call(DATE_TIME_FIELDS, code)) throw new RangeError(`Intl.DisplayNames: invalid dateTimeField code ${code}`);
      return code;
    default:
      if (!CURRENCY_CODE.test(code)) throw new RangeError(`Intl.DisplayNames: invalid currency code ${code}`);
      return code.toUpperCase();
  }
}

class DisplayNames {
  #locale;
  #dataLocale;
  #style;
  #type;
  #fallback;
  #languageDisplay;
  constructor(locales, options) {
    if (new.target === undefined) throw new TypeError("Intl.DisplayNames must be called with new");
    const requested = canonicalizeLocaleList(locales);
    if (options === undefined) throw new TypeError("Intl.DisplayNames: options with a type are required");
    const opts = optionsObject(options);
    getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
    const r = resolveLocale(requested, Object.create(null), [], () => [null]);
    this.#style = getOption(opts, "style", "string", ["narrow", "short", "long"], "long");
    const type = getOption(opts, "type", "string", ["language", "region", "script", "currency", "calendar", "dateTimeField"], undefined);
    if (type === undefined) throw new TypeError("Intl.DisplayNames: the type option is required");
    this.#type = type;
    this.#fallback = getOption(opts, "fallback", "string", ["code", "none"], "code");
    this.#locale = r.locale;
    this.#dataLocale = r.dataLocale;
    const languageDisplay = getOption(opts, "languageDisplay", "string", ["dialect", "standard"], "dialect");
    if (type === "language") this.#languageDisplay = languageDisplay;
  }
  static #check(value, method) {
    if (typeof value !== "object" || value === null || !(#locale in value)) {
      throw new TypeError(`Intl.DisplayNames.prototype.${method} called on an object that is not an Intl.DisplayNames`);
    }
  }
  of(code) {
    DisplayNames.#check(this, "of");
    const canonical = canonicalCode(this.#type, `${code}`);
    let name;
    const english = this.#dataLocale === "en" || this.#dataLocale.startsWith("en-");
    if (this.#type === "dateTimeField") {
      if (english) name = DATE_TIME_FIELDS[canonical];
    } else if (this.#type === "calendar") {
      if (english && Object.prototype.hasOwnProperty.call(CALENDAR_NAMES, canonical)) name = CALENDAR_NAMES[canonical];
    } else {
      name = native.displayName(this.#dataLocale, this.#type, canonical, this.#style, this.#languageDisplay !== "standard");
    }
    if (name !== undefined) return name;
    return this.#fallback === "code" ? canonical : undefined;
  }
  resolvedOptions() {
    DisplayNames.#check(this, "resolvedOptions");
    const out = { locale: this.#locale, style: this.#style, type: this.#type, fallback: this.#fallback };
    if (this.#type === "language") createData(out, "languageDisplay", this.#languageDisplay);
    return out;
  }
}
supportedLocalesOf(DisplayNames);
defineTag(DisplayNames.prototype, "Intl.DisplayNames");

// ---------------------------------------------------------------------------------------------
// Intl.DurationFormat (§13 of ECMA-402 2025)

const DURATION_UNITS = ["years", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds"];
/** The fields of a duration-like object, in the (alphabetical) order they are read. */
const DURATION_FIELDS_READ = ["days", "hours", "microseconds", "milliseconds", "minutes", "months", "nanoseconds", "seconds", "weeks", "years"];
const DATE_STYLES = ["long", "short", "narrow"];
const TIME_STYLES = ["long", "short", "narrow", "numeric", "2-digit"];
const SUBSECOND_STYLES = ["long", "short", "narrow", "numeric"];
/** ISO 8601 durations, as Temporal reads them: fractions only on the last (time) unit. */
const DURATION_TEXT = /^([+\u2212-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)(?:[.,](\d{1,9}))?H)?(?:(\d+)(?:[.,](\d{1,9}))?M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

/** GetDurationUnitOptions: the style and display of one unit, checked against the previous. */
function durationUnitOptions(unit, options, baseStyle, styles, digitalBase, prevStyle, twoDigitHours) {
  let style = getOption(options, unit, "string", styles, undefined);
  let displayDefault = "always";
  if (style === undefined) {
    if (baseStyle === "digital") {
      style = digitalBase;
      if (unit !== "hours" && unit !== "minutes" && unit !== "seconds") displayDefault = "auto";
    } else if (prevStyle === "fractional" || prevStyle === "numeric" || prevStyle === "2-digit") {
      style = "numeric";
      if (unit !== "minutes" && unit !== "seconds") displayDefault = "auto";
    } else {
      style = baseStyle;
      displayDefault = "auto";
    }
  }
  const subsecond = unit === "milliseconds" || unit === "microseconds" || unit === "nanoseconds";
  if (style === "numeric" && subsecond) {
    style = "fractional";
    displayDefault = "auto";
  }
  const display = getOption(options, `${unit}Display`, "string", ["auto", "always"], displayDefault);
  if (display === "always" && style === "fractional") {
    throw new RangeError(`Intl.DurationFormat: ${unit}Display "always" needs a non-numeric ${unit} style`);
  }
  if (prevStyle === "fractional" && style !== "fractional") {
    throw new RangeError(`Intl.DurationFormat: ${unit} must be numeric after a numeric smaller unit`);
  }
  if (prevStyle === "numeric" || prevStyle === "2-digit") {
    if (style !== "fractional" && style !== "numeric" && style !== "2-digit") {
      throw new RangeError(`Intl.DurationFormat: ${unit} must be numeric after a numeric larger unit`);
    }
    if (unit === "minutes" || unit === "seconds") style = "2-digit";
  }
  if (unit === "hours" && twoDigitHours) style = "2-digit";
  return { style, display };
}

/** ToIntegerIfIntegral. */
function integralField(value, field) {
  const n = +value;
  if (!Number.isInteger(n)) throw new RangeError(`Intl.DurationFormat: ${field} must be an integer`);
  return n;
}

/** ParseTemporalDurationString, enough for a duration record. */
function parseDurationText(text) {
  const m = DURATION_TEXT.exec(text);
  const bad = () => new RangeError(`Intl.DurationFormat: invalid duration ${text}`);
  if (m === null) throw bad();
  const [, signText, y, mo, w, d, h, hf, mi, mif, sec, sf] = m;
  if ([y, mo, w, d, h, mi, sec].every((v) => v === undefined)) throw bad();
  if (/T$/i.test(text)) throw bad();
  if ((hf !== undefined && (mi !== undefined || sec !== undefined)) || (mif !== undefined && sec !== undefined)) throw bad();
  const sign = signText === "-" || signText === "\u2212" ? -1 : 1;
  const num = (v) => (v === undefined ? 0 : +v);
  // The fraction of the last time unit, as nanoseconds of it.
  const fraction = hf ?? mif ?? sf;
  const fractionNs = fraction === undefined ? 0n : BigInt(fraction.padEnd(9, "0"));
  const perUnitNs = hf !== undefined ? 3600n * 1000000000n : mif !== undefined ? 60n * 1000000000n : 1000000000n;
  let extraNs = (fractionNs * perUnitNs) / 1000000000n;
  const record = {
    years: num(y), months: num(mo), weeks: num(w), days: num(d), hours: num(h), minutes: num(mi), seconds: num(sec),
    milliseconds: 0, microseconds: 0, nanoseconds: 0,
  };
  if (hf !== undefined) {
    record.minutes = Number(extraNs / 60000000000n);
    extraNs %= 60000000000n;
  }
  if (hf !== undefined || mif !== undefined) {
    record.seconds += Number(extraNs / 1000000000n);
    extraNs %= 1000000000n;
  }
  record.milliseconds = Number((extraNs / 1000000n) % 1000n);
  record.microseconds = Number((extraNs / 1000n) % 1000n);
  record.nanoseconds = Number(extraNs % 1000n);
  for (const unit of DURATION_UNITS) record[unit] = record[unit] * sign + 0;
  return record;
}

/** ToDurationRecord: the duration's ten fields, checked. */
function toDurationRecord(input) {
  let record;
  if (typeof input !== "object" || input === null) {
    if (typeof input === "string") record = parseDurationText(input);
    else throw new TypeError("Intl.DurationFormat: the duration must be an object");
  } else {
    record = Object.create(null);
    let any = false;
    for (const field of DURATION_FIELDS_READ) {
      const value = input[field];
      if (value === undefined) {
        record[field] = 0;
      } else {
        any = true;
        record[field] = integralField(value, field) + 0; // -0 is 0
      }
    }
    if (!any) throw new TypeError("Intl.DurationFormat: the duration has none of its fields");
  }
  if (!validDuration(record)) throw new RangeError("Intl.DurationFormat: the duration is out of range");
  return record;
}

/** IsValidDuration: one sign, finite, calendar units under 2^32, the rest under 2^53 seconds. */
function validDuration(r) {
  let sign = 0;
  for (const unit of DURATION_UNITS) {
    const v = r[unit];
    if (!Number.isFinite(v)) return false;
    if (v < 0) {
      if (sign > 0) return false;
      sign = -1;
    } else if (v > 0) {
      if (sign < 0) return false;
      sign = 1;
    }
  }
  const limit = 2 ** 32;
  if (Math.abs(r.years) >= limit || Math.abs(r.months) >= limit || Math.abs(r.weeks) >= limit) return false;
  const ns = totalNanoseconds(r, "days");
  const max = BigInt(2 ** 53) * 1000000000n;
  return (ns < 0n ? -ns : ns) < max;
}

/** The exact nanoseconds of the fields from `from` (days, or seconds) down. */
function totalNanoseconds(r, from) {
  const scale = { days: 86400000000000n, hours: 3600000000000n, minutes: 60000000000n, seconds: 1000000000n, milliseconds: 1000000n, microseconds: 1000n, nanoseconds: 1n };
  let total = 0n;
  let on = false;
  for (const unit of ["days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds"]) {
    if (unit === from) on = true;
    if (on) total += BigInt(r[unit]) * scale[unit];
  }
  return total;
}

/** A unit and its smaller units as one exact decimal of that unit (as text), for "1.5 s". */
function fractionalValue(r, unit) {
  const exponent = unit === "seconds" ? 9 : unit === "milliseconds" ? 6 : 3;
  const ns = totalNanoseconds(r, unit);
  const scale = 10n ** BigInt(exponent);
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  const text = `${abs / scale}.${(abs % scale).toString().padStart(exponent, "0")}`;
  return negative ? `-${text}` : text;
}

const durationFormats = new WeakMap();

class DurationFormat {
  #state;
  constructor(locales = undefined, options = undefined) {
    if (new.target === undefined) throw new TypeError("Intl.DurationFormat must be called with new");
    const requested = canonicalizeLocaleList(locales);
    const opts = optionsObject(options);
    const opt = Object.create(null);
    getOption(opts, "localeMatcher", "string", ["lookup", "best fit"], "best fit");
    const numberingSystem = getOption(opts, "numberingSystem", "string", undefined, undefined);
    checkType(numberingSystem, "numberingSystem");
    opt.nu = numberingSystem;
    const r = resolveLocale(requested, opt, ["nu"], () => ["latn", ...NUMBERING_SYSTEMS.filter((n) => n !== "latn")]);
    const state = Object.create(null);
    state.locale = r.locale;
    state.dataLocale = r.dataLocale;
    state.numberingSystem = r.nu;
    const digital = native.digitalFormat(r.dataLocale);
    state.separator = digital.separator;
    state.style = getOption(opts, "style", "string", ["long", "short", "narrow", "digital"], "short");
    let prevStyle = "";
    for (const unit of DURATION_UNITS) {
      const date = unit === "years" || unit === "months" || unit === "weeks" || unit === "days";
      const subsecond = unit === "milliseconds" || unit === "microseconds" || unit === "nanoseconds";
      const styles = date ? DATE_STYLES : subsecond ? SUBSECOND_STYLES : TIME_STYLES;
      const base = date ? "short" : "numeric";
      const options = durationUnitOptions(unit, opts, state.style, styles, base, prevStyle, digital.twoDigitHours);
      state[unit] = options.style;
      state[`${unit}Display`] = options.display;
      if (!date) prevStyle = options.style;
    }
    state.fractionalDigits = getNumberOption(opts, "fractionalDigits", 0, 9, undefined);
    this.#state = state;
  }
  static #check(value, method) {
    if (typeof value !== "object" || value === null || !(#state in value)) {
      throw new TypeError(`Intl.DurationFormat.prototype.${method} called on an object that is not an Intl.DurationFormat`);
    }
    return value.#state;
  }
  format(duration) {
    const state = DurationFormat.#check(this, "format");
    let out = "";
    for (const part of partitionDuration(state, toDurationRecord(duration))) out += part.value;
    return out;
  }
  formatToParts(duration) {
    const state = DurationFormat.#check(this, "formatToParts");
    return partitionDuration(state, toDurationRecord(duration));
  }
  resolvedOptions() {
    const s = DurationFormat.#check(this, "resolvedOptions");
    const out = { locale: s.locale, numberingSystem: s.numberingSystem, style: s.style };
    for (const unit of DURATION_UNITS) {
      createData(out, unit, s[unit] === "fractional" ? "numeric" : s[unit]);
      createData(out, `${unit}Display`, s[`${unit}Display`]);
    }
    if (s.fractionalDigits !== undefined) createData(out, "fractionalDigits", s.fractionalDigits);
    return out;
  }
}
supportedLocalesOf(DurationFormat);
defineTag(DurationFormat.prototype, "Intl.DurationFormat");

/** PartitionDurationFormatPattern: each shown unit formatted, numeric ones joined by the
 * locale's separator, the groups joined as a unit list. */
function partitionDuration(s, r) {
  const groups = [];
  let numericGroup;
  let signShown = false;
  const negative = DURATION_UNITS.some((unit) => r[unit] < 0);
  for (let i = 0; i < DURATION_UNITS.length; i++) {
    const unit = DURATION_UNITS[i];
    const style = s[unit];
    const display = s[`${unit}Display`];
    let value = r[unit];
    const nfOptions = Object.create(null);
    let last = false;
    const next = DURATION_UNITS[i + 1];
    if ((unit === "seconds" || unit === "milliseconds" || unit === "microseconds") && s[next] === "fractional") {
      value = fractionalValue(r, unit);
      nfOptions.maximumFractionDigits = s.fractionalDigits ?? 9;
      nfOptions.minimumFractionDigits = s.fractionalDigits ?? 0;
      nfOptions.roundingMode = "trunc";
      last = true;
    }
    // Zero numeric minutes still show between shown hours and seconds.
    let required = false;
    if (unit === "minutes" && numericGroup !== undefined) {
      required = s.secondsDisplay === "always" || r.seconds !== 0 || r.milliseconds !== 0 || r.microseconds !== 0 || r.nanoseconds !== 0;
    }
    const isZero = typeof value === "string" ? /^-?0(\.0*)?$/.test(value) : value === 0;
    if (!isZero || display !== "auto" || required) {
      // Only the first shown unit carries the sign (as -0 when it is zero).
      if (!signShown) {
        signShown = true;
        if (isZero && negative) value = typeof value === "string" ? (value[0] === "-" ? value : `-${value}`) : -0;
      } else {
        nfOptions.signDisplay = "never";
      }
      nfOptions.numberingSystem = s.numberingSystem;
      if (style === "2-digit") nfOptions.minimumIntegerDigits = 2;
      const numeric = style === "numeric" || style === "2-digit";
      const singular = unit.slice(0, -1);
      if (!numeric) {
        nfOptions.style = "unit";
        nfOptions.unit = singular;
        nfOptions.unitDisplay = style;
      } else {
        nfOptions.useGrouping = false;
      }
      const nf = numberFormats.get(new NumberFormat(s.locale, nfOptions));
      const parts = partitionNumber(nf, value);
      let list;
      if (numericGroup !== undefined) {
        list = numericGroup;
        list[list.length] = { type: "literal", value: s.separator };
      } else {
        list = [];
      }
      for (const part of parts) list[list.length] = { type: part.type, value: part.value, unit: singular };
      if (numericGroup === undefined) {
        if (numeric) numericGroup = list;
        groups[groups.length] = list;
      }
    }
    if (last) break;
  }
  const strings = [];
  for (const group of groups) {
    let text = "";
    for (const part of group) text += part.value;
    strings[strings.length] = text;
  }
  const listStyle = s.style === "digital" ? "short" : s.style;
  const out = [];
  let next = 0;
  for (const [type, value] of native.formatList(s.dataLocale, "unit", listStyle, strings)) {
    if (type === "element") {
      for (const part of groups[next++]) out[out.length] = part;
    } else {
      out[out.length] = { type, value };
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The Intl object

const CALENDARS = [
  "buddhist", "chinese", "coptic", "dangi", "ethioaa", "ethiopic", "gregory", "hebrew", "indian",
  "islamic-civil", "islamic-tbla", "islamic-umalqura", "iso8601", "japanese", "persian", "roc",
];
const NUMBERING_SYSTEMS = [
  "adlm", "ahom", "arab", "arabext", "bali", "beng", "bhks", "brah", "cakm", "cham", "deva",
  "diak", "fullwide", "gara", "gong", "gonm", "gujr", "gukh", "guru", "hanidec", "hmng", "hmnp",
  "java", "kali", "kawi", "khmr", "knda", "krai", "lana", "lanatham", "laoo", "latn", "lepc",
  "limb", "mathbold", "mathdbl", "mathmono", "mathsanb", "mathsans", "mlym", "modi", "mong",
  "mroo", "mtei", "mymr", "mymrepka", "mymrpao", "mymrshan", "mymrtlng", "nagm", "newa", "nkoo",
  "olck", "onao", "orya", "osma", "outlined", "rohg", "saur", "segment", "shrd", "sind", "sinh",
  "sora", "sund", "sunu", "takr", "talu", "tamldec", "telu", "thai", "tibt", "tirh", "tnsa",
  "tols", "vaii", "wara", "wcho",
];
const UNITS = [
  "acre", "bit", "byte", "celsius", "centimeter", "day", "degree", "fahrenheit", "fluid-ounce", "foot",
  "gallon", "gigabit", "gigabyte", "gram", "hectare", "hour", "inch", "kilobit", "kilobyte", "kilogram",
  "kilometer", "liter", "megabit", "megabyte", "meter", "microsecond", "mile", "mile-scandinavian",
  "milliliter", "millimeter", "millisecond", "minute", "month", "nanosecond", "ounce", "percent",
  "petabyte", "pound", "second", "stone", "terabit", "terabyte", "week", "yard", "year",
];

const Intl = {};
for (const [name, value] of [
  ["Collator", Collator],
  ["Locale", Locale],
  ["NumberFormat", NumberFormat],
  ["DateTimeFormat", DateTimeFormat],
  ["ListFormat", ListFormat],
  ["PluralRules", PluralRules],
  ["Segmenter", Segmenter],
  ["RelativeTimeFormat", RelativeTimeFormat],
  ["DisplayNames", DisplayNames],
  ["DurationFormat", DurationFormat],
]) {
  Object.defineProperty(Intl, name, { value, writable: true, enumerable: false, configurable: true });
}
defineMethod(
  Intl,
  "getCanonicalLocales",
  method(function (locales) {
    return canonicalizeLocaleList(locales);
  }),
  1,
);
defineMethod(
  Intl,
  "supportedValuesOf",
  method(function (key) {
    const k = `${key}`;
    switch (k) {
      case "collation": {
        // What Collator accepts for some locale.
        const all = new Set();
        for (const language of ["de", "es", "zh", "ja", "ko", "sv", "hi", "en"]) for (const c of collationsOf(language)) all.add(c);
        return [...all].sort();
      }
      case "calendar":
        return [...CALENDARS];
      case "numberingSystem":
        return [...NUMBERING_SYSTEMS];
      case "unit":
        return [...UNITS];
      case "timeZone":
        return [...new Set(native.zoneNames().filter((z) => !z.startsWith("Etc/") || /^Etc\/GMT[+-]\d+$/.test(z)).concat(["UTC"]))].sort();
      case "currency":
        return Object.keys(CURRENCY_SYMBOLS).sort();
    }
    throw new RangeError(`Intl.supportedValuesOf: unknown key ${k}`);
  }),
  1,
);
defineTag(Intl, "Intl");

const collatorCache = new Map();

/** `String.prototype.localeCompare` with locales and options (both strings converted). */
function localeCompare(string, that, locales, options) {
  const collator = cachedFormatter(collatorCache, (l, o) => new Collator(l, o), locales, options);
  return collatorState(collator, "compare").engine.compare(string, that);
}

/** `String.prototype.toLocaleLowerCase`/`toLocaleUpperCase` (the string converted). */
function changeCase(string, locales, upper) {
  const requested = canonicalizeLocaleList(locales);
  const tag = requested.length > 0 ? requested[0] : defaultLocale();
  const language = removeUnicodeExtension(tag).split("-")[0];
  // Only Turkish, Azeri and Lithuanian (and their scripts) case differently from the root.
  if (language === "tr" || language === "az" || language === "lt") return native.changeCase(string, language, upper);
  return upper ? string.toUpperCase() : string.toLowerCase();
}

export { Intl, localeCompare, changeCase, numberToLocaleString, dateToLocaleString };
