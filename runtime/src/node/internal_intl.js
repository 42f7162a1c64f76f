// `Intl` (ECMA-402): the option processing and the objects, in the order the specification
// reads options (test262 observes it); the locale data and the algorithms are native, on
// ICU4X (`src/intl/`). Loaded the first time an app touches `Intl` or `localeCompare`.
//
// So far: `getCanonicalLocales`, `supportedValuesOf` (collations), `Collator`, `PluralRules`,
// `Segmenter`, and `String.prototype.localeCompare`.

import { intlNatives } from "edge:bootstrap";

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
  const out = { minimumIntegerDigits, roundingIncrement, roundingMode, roundingPriority, trailingZeroDisplay };
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

/** A finite number as the decimal string the digit options make of it (sign dropped). */
function formatDigits(x, d) {
  let text;
  const abs = Math.abs(x);
  if (d.roundingType === "significantDigits") {
    text = abs.toPrecision(d.maximumSignificantDigits);
    if (text.includes("e")) text = expandExponent(text);
    if (text.includes(".")) {
      const [int, frac] = text.split(".");
      const minFrac = Math.max(0, d.minimumSignificantDigits - significantIntegerDigits(int));
      let f = frac;
      while (f.length > minFrac && f.endsWith("0")) f = f.slice(0, -1);
      text = f.length > 0 ? `${int}.${f}` : int;
    }
  } else {
    const max = d.maximumFractionDigits ?? 3;
    const min = d.minimumFractionDigits ?? 0;
    text = abs.toFixed(Math.min(max, 100));
    if (text.includes("e")) text = expandExponent(text);
    if (text.includes(".")) {
      let [int, frac] = text.split(".");
      while (frac.length > min && frac.endsWith("0")) frac = frac.slice(0, -1);
      text = frac.length > 0 ? `${int}.${frac}` : int;
    }
  }
  if (d.trailingZeroDisplay === "stripIfInteger" && /^\d+\.0+$/.test(text)) text = text.split(".")[0];
  return text;
}

function significantIntegerDigits(int) {
  const stripped = int.replace(/^0+/, "");
  return stripped.length;
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
// The Intl object

const CALENDARS = [
  "buddhist", "chinese", "coptic", "dangi", "ethioaa", "ethiopic", "gregory", "hebrew", "indian",
  "islamic-civil", "islamic-tbla", "islamic-umalqura", "iso8601", "japanese", "persian", "roc",
];
const NUMBERING_SYSTEMS = [
  "adlm", "ahom", "arab", "arabext", "bali", "beng", "bhks", "brah", "cakm", "cham", "deva", "diak",
  "fullwide", "gong", "gonm", "gujr", "guru", "hanidec", "hmng", "hmnp", "java", "kali", "kawi",
  "khmr", "knda", "lana", "lanatham", "laoo", "latn", "lepc", "limb", "mathbold", "mathdbl",
  "mathmono", "mathsanb", "mathsans", "mlym", "modi", "mong", "mroo", "mtei", "mymr", "mymrshan",
  "mymrtlng", "nagm", "newa", "nkoo", "olck", "orya", "osma", "rohg", "saur", "segment", "shrd",
  "sind", "sinh", "sora", "sund", "takr", "talu", "tamldec", "telu", "thai", "tibt", "tirh", "tnsa",
  "vaii", "wara", "wcho",
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
  ["PluralRules", PluralRules],
  ["Segmenter", Segmenter],
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
      case "collation":
        return ["compat", "dict", "emoji", "eor", "phonebk", "phonetic", "pinyin", "searchjl", "stroke", "trad", "unihan", "zhuyin"];
      case "calendar":
        return [...CALENDARS];
      case "numberingSystem":
        return [...NUMBERING_SYSTEMS];
      case "unit":
        return [...UNITS];
      case "currency":
      case "timeZone":
        return [];
    }
    throw new RangeError(`Intl.supportedValuesOf: unknown key ${k}`);
  }),
  1,
);
defineTag(Intl, "Intl");

let defaultCollator;

/** `String.prototype.localeCompare` with locales and options (both strings converted). */
function localeCompare(string, that, locales, options) {
  let collator;
  if (locales === undefined && options === undefined) {
    defaultCollator ??= new Collator();
    collator = defaultCollator;
  } else {
    collator = new Collator(locales, options);
  }
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

export { Intl, localeCompare, changeCase };
