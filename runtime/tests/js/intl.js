// Intl on ICU4X: the expected values are what Node 20 (V8 with full ICU) answers for the same
// calls, so Edge and Node sort, pluralize, segment and case-map alike.
import { test, run, assert, assertEquals, assertDeepEquals, assertThrows } from "./harness.js";

test("language tags are canonicalized, and invalid ones refused", () => {
  assertDeepEquals(
    Intl.getCanonicalLocales(["EN-us", "zh-hant-tw", "de-de-u-co-phonebk", "iw", "sgn-GR", "en-US"]),
    ["en-US", "zh-Hant-TW", "de-DE-u-co-phonebk", "he", "gss"],
  );
  assertThrows(() => Intl.getCanonicalLocales("en_US"), RangeError);
  assertThrows(() => Intl.getCanonicalLocales("x-private"), RangeError);
  assertThrows(() => Intl.getCanonicalLocales(["de", 5]), TypeError);
  assertDeepEquals(Intl.Collator.supportedLocalesOf(["de", "zxx", "sv-SE", "ja"]), ["de", "sv-SE", "ja"]);
});

test("Collator sorts German and Swedish words as CLDR says", () => {
  assertDeepEquals(
    ["Äpfel", "Zebra", "apfel", "Ähre", "Bär", "Ofen", "Öl"].sort(new Intl.Collator("de").compare),
    ["Ähre", "apfel", "Äpfel", "Bär", "Ofen", "Öl", "Zebra"],
  );
  // In Swedish, å, ä and ö are letters after z.
  assertDeepEquals(["ä", "z", "a", "o", "ö", "å"].sort(new Intl.Collator("sv").compare), ["a", "o", "z", "å", "ä", "ö"]);
  assertDeepEquals(
    ["a10", "a9", "a100", "a1"].sort(new Intl.Collator("en", { numeric: true }).compare),
    ["a1", "a9", "a10", "a100"],
  );
  assertEquals("résumé".localeCompare("RESUME", "en", { sensitivity: "base" }), 0);
  assertEquals("résumé".localeCompare("resume", "en", { sensitivity: "accent" }), 1);
  const options = new Intl.Collator("de-u-kn-co-phonebk").resolvedOptions();
  assertEquals(options.locale, "de-u-co-phonebk-kn");
  assertEquals(options.numeric, true);
  assertEquals(options.collation, "phonebk");
  assertThrows(() => new Intl.Collator("en", { sensitivity: "loud" }), RangeError);
});

test("PluralRules picks CLDR's categories", () => {
  const ru = new Intl.PluralRules("ru");
  assertDeepEquals([0, 1, 2, 5, 11, 21, 22, 1.5].map((n) => ru.select(n)), ["many", "one", "few", "many", "many", "one", "few", "other"]);
  const ordinal = new Intl.PluralRules("en", { type: "ordinal" });
  assertDeepEquals(
    [1, 2, 3, 4, 11, 12, 13, 21, 22, 23].map((n) => ordinal.select(n)),
    ["one", "two", "few", "other", "other", "other", "other", "one", "two", "few"],
  );
  assertDeepEquals(new Intl.PluralRules("ar").resolvedOptions().pluralCategories, ["zero", "one", "two", "few", "many", "other"]);
  // One fraction digit shown makes "1.0" plural in English.
  assertEquals(new Intl.PluralRules("en", { minimumFractionDigits: 1 }).select(1), "other");
  assertThrows(() => Intl.PluralRules(), TypeError);
});

test("Segmenter splits Thai words, emoji graphemes and sentences", () => {
  const thai = new Intl.Segmenter("th", { granularity: "word" });
  assertDeepEquals([...thai.segment("สวัสดีครับ")].map((s) => s.segment), ["สวัสดี", "ครับ"]);
  assertDeepEquals([...new Intl.Segmenter("en").segment("👨‍👩‍👧‍👦e\u0301🇸🇪")].map((s) => s.segment), ["👨‍👩‍👧‍👦", "e\u0301", "🇸🇪"]);
  const sentences = new Intl.Segmenter("en", { granularity: "sentence" }).segment("Hi there. How are you? Fine!");
  assertDeepEquals([...sentences].map((s) => s.segment), ["Hi there. ", "How are you? ", "Fine!"]);
  const words = new Intl.Segmenter("en", { granularity: "word" }).segment("Hello, world!");
  assertDeepEquals([...words].filter((s) => s.isWordLike).map((s) => s.segment), ["Hello", "world"]);
  const hit = words.containing(8);
  assertEquals(hit.segment, "world");
  assertEquals(hit.index, 7);
  assertEquals(words.containing(99), undefined);
});

test("Locale reads, edits, maximizes and minimizes tags", () => {
  assertEquals(new Intl.Locale("en").maximize().toString(), "en-Latn-US");
  assertEquals(new Intl.Locale("zh-Hant-TW").minimize().toString(), "zh-TW");
  const l = new Intl.Locale("en-US", { hourCycle: "h23", calendar: "gregory" });
  assertEquals(l.toString(), "en-US-u-ca-gregory-hc-h23");
  assertEquals(l.hourCycle, "h23");
  assertEquals(l.language, "en");
  assertEquals(l.region, "US");
  assertEquals(new Intl.Locale("ar").getTextInfo().direction, "rtl");
  assertEquals(new Intl.Locale("en-US").getWeekInfo().firstDay, 7);
  assertEquals(new Intl.Locale("de").getWeekInfo().firstDay, 1);
  assertThrows(() => new Intl.Locale("en", { region: "USA!" }), RangeError);
  assertEquals(Intl.getCanonicalLocales(new Intl.Locale("de-DE"))[0], "de-DE");
});

test("toLocaleUpperCase and toLocaleLowerCase follow Turkish rules", () => {
  assertDeepEquals(["I".toLocaleLowerCase("tr"), "i".toLocaleUpperCase("tr"), "I".toLocaleLowerCase("en")], ["ı", "İ", "i"]);
  assertEquals("istanbul".toLocaleUpperCase("tr-TR"), "İSTANBUL");
  assertThrows(() => "a".toLocaleUpperCase("not a tag"), RangeError);
});

test("NumberFormat formats decimals, percents, currencies and compact numbers as Node does", () => {
  const cases = [
    [1234567.891, undefined, undefined, "1,234,567.891"],
    [1234567.891, "de-DE", undefined, "1.234.567,891"],
    [0.256, "en", { style: "percent" }, "26%"],
    [0.256, "de", { style: "percent" }, "26\u00a0%"],
    [1234.5, "en-US", { style: "currency", currency: "USD" }, "$1,234.50"],
    [1234.5, "de-DE", { style: "currency", currency: "EUR" }, "1.234,50\u00a0€"],
    [1234.5, "ja-JP", { style: "currency", currency: "JPY" }, "￥1,235"],
    [1234.5, "en-IN", { style: "currency", currency: "INR" }, "₹1,234.50"],
    [1234.5, "fr-FR", { style: "currency", currency: "EUR" }, "1\u202f234,50\u00a0€"],
    [-5, "en-US", { style: "currency", currency: "USD", currencySign: "accounting" }, "($5.00)"],
    [1234567, "en", { notation: "compact" }, "1.2M"],
    [1234567, "en", { notation: "compact", compactDisplay: "long" }, "1.2 million"],
    [12345678, "en-IN", undefined, "1,23,45,678"],
    [42, "ar-EG", undefined, "٤٢"],
    [1.005, "en", { maximumFractionDigits: 2 }, "1.01"],
    [123456, "en", { maximumSignificantDigits: 2 }, "120,000"],
    [5, "en", { signDisplay: "always" }, "+5"],
    [12345, "en", { notation: "scientific" }, "1.235E4"],
    [50, "en", { style: "unit", unit: "kilometer-per-hour" }, "50 km/h"],
  ];
  for (const [n, locale, options, expected] of cases) {
    assertEquals(new Intl.NumberFormat(locale, options).format(n), expected, `${n} ${locale} ${JSON.stringify(options)}`);
  }
  assertEquals(new Intl.NumberFormat("en", { notation: "scientific" }).format(9.9999), "1E1");
  assertEquals(new Intl.NumberFormat("en", { notation: "engineering" }).format(999999.9), "1E6");
  assertEquals((10n ** 40n).toLocaleString("en", { maximumSignificantDigits: 3 }), "10,000,000,000,000,000,000,000,000,000,000,000,000,000");
  assertEquals(123456789012345678901234567890n.toLocaleString("en"), "123,456,789,012,345,678,901,234,567,890");
  assertEquals((1234.5).toLocaleString("de-DE"), "1.234,5");
  assertEquals(123456789n.toLocaleString("en"), "123,456,789");
  assertEquals([1234.5, 2].toLocaleString("de"), "1.234,5,2");
  assertDeepEquals(
    new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).formatToParts(-1234.5).map((p) => p.type),
    ["minusSign", "currency", "integer", "group", "integer", "decimal", "fraction"],
  );
  assertThrows(() => new Intl.NumberFormat("en", { style: "currency" }), TypeError);
  assertThrows(() => new Intl.NumberFormat("en", { maximumFractionDigits: 101 }), RangeError);
});

test("DateTimeFormat converts across DST in IANA zones and formats as Node does", () => {
  const before = new Date("2026-03-08T06:59:59Z");
  const after = new Date("2026-03-08T07:00:00Z");
  const ny = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/New_York", hour12: false, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  assertEquals(ny.format(before), "03/08/2026, 01:59:59");
  assertEquals(ny.format(after), "03/08/2026, 03:00:00");
  assertDeepEquals(
    ny.formatToParts(after).filter((p) => p.type !== "literal").map((p) => [p.type, p.value]),
    [["month", "03"], ["day", "08"], ["year", "2026"], ["hour", "03"], ["minute", "00"], ["second", "00"]],
  );
  const howe = new Intl.DateTimeFormat("en-US", { timeZone: "Australia/Lord_Howe", hour: "numeric", minute: "numeric", timeZoneName: "shortOffset" });
  // Lord Howe moves half an hour forward at 2:00 local time.
  assertEquals(howe.format(new Date("2026-10-03T15:29:59Z")), "1:59 AM GMT+10:30");
  assertEquals(howe.format(new Date("2026-10-03T15:30:00Z")), "2:30 AM GMT+11");
  assertEquals(new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Kolkata", timeStyle: "short" }).format(after), "12:30 PM");
  assertEquals(after.toLocaleDateString("de-DE", { timeZone: "UTC", dateStyle: "long" }), "8. März 2026");
  assertEquals(after.toLocaleString("en-US", { timeZone: "America/New_York", timeZoneName: "short" }), "3/8/2026, 3:00:00 AM EDT");
  assertEquals(new Intl.DateTimeFormat("en", { timeZone: "asia/KOLKATA" }).resolvedOptions().timeZone, "Asia/Kolkata");
  assertThrows(() => new Intl.DateTimeFormat("en", { timeZone: "Mars/Olympus" }), RangeError);
  assertThrows(() => new Intl.DateTimeFormat("en").format(NaN), RangeError);
});

test("ListFormat joins lists by CLDR's patterns", () => {
  assertEquals(new Intl.ListFormat("en").format(["a", "b", "c"]), "a, b, and c");
  assertEquals(new Intl.ListFormat("de", { type: "disjunction" }).format(["a", "b", "c"]), "a, b oder c");
  assertDeepEquals(
    new Intl.ListFormat("en", { style: "short", type: "unit" }).formatToParts(["5 lb", "12 oz"]),
    [{ type: "element", value: "5 lb" }, { type: "literal", value: ", " }, { type: "element", value: "12 oz" }],
  );
  assertThrows(() => new Intl.ListFormat("en").format(["a", 1]), TypeError);
});

test("RelativeTimeFormat says 'yesterday' and 'in 3 days' by CLDR's patterns and plurals", () => {
  const auto = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  assertEquals(auto.format(-1, "day"), "yesterday");
  assertEquals(auto.format(-0, "year"), "this year");
  assertEquals(auto.format(2, "days"), "in 2 days");
  assertEquals(new Intl.RelativeTimeFormat("en").format(-1000.5, "hour"), "1,000.5 hours ago");
  assertEquals(new Intl.RelativeTimeFormat("de", { style: "short" }).format(-3, "month"), "vor 3\u00a0Monaten");
  assertEquals(new Intl.RelativeTimeFormat("pl").format(5, "year"), "za 5 lat");
  assertDeepEquals(new Intl.RelativeTimeFormat("en").formatToParts(1234.5, "minute"), [
    { type: "literal", value: "in " },
    { type: "integer", value: "1", unit: "minute" },
    { type: "group", value: ",", unit: "minute" },
    { type: "integer", value: "234", unit: "minute" },
    { type: "decimal", value: ".", unit: "minute" },
    { type: "fraction", value: "5", unit: "minute" },
    { type: "literal", value: " minutes" },
  ]);
  assertThrows(() => auto.format(1, "fortnight"), RangeError);
  assertThrows(() => auto.format(Infinity, "day"), RangeError);
});

test("DisplayNames names languages, regions, scripts and currencies", () => {
  const languages = new Intl.DisplayNames("en", { type: "language" });
  assertEquals(languages.of("en-GB"), "British English");
  assertEquals(languages.of("de-AT"), "Austrian German");
  assertEquals(new Intl.DisplayNames("en", { type: "language", languageDisplay: "standard" }).of("en-GB"), "English (United Kingdom)");
  assertEquals(new Intl.DisplayNames("de", { type: "region" }).of("us"), "Vereinigte Staaten");
  assertEquals(new Intl.DisplayNames("en", { type: "currency" }).of("eur"), "Euro");
  assertEquals(new Intl.DisplayNames("ja", { type: "currency" }).of("USD"), "米ドル");
  assertEquals(new Intl.DisplayNames("en", { type: "region", fallback: "none" }).of("XY"), undefined);
  assertEquals(new Intl.DisplayNames("en", { type: "region" }).of("XY"), "XY");
  assertThrows(() => languages.of("en-u-ca"), RangeError);
  assertThrows(() => new Intl.DisplayNames("en"), TypeError);
});

// Node 20 has no DurationFormat: these are what Deno (V8 with ICU) answers.
test("DurationFormat formats durations in every style", () => {
  const duration = { hours: 1, minutes: 46, seconds: 40, milliseconds: 250 };
  assertEquals(new Intl.DurationFormat("en").format(duration), "1 hr, 46 min, 40 sec, 250 ms");
  assertEquals(new Intl.DurationFormat("en", { style: "long" }).format(duration), "1 hour, 46 minutes, 40 seconds, 250 milliseconds");
  assertEquals(new Intl.DurationFormat("en", { style: "digital" }).format(duration), "1:46:40.25");
  assertEquals(new Intl.DurationFormat("en", { style: "narrow" }).format({ days: -2, hours: -3 }), "-2d 3h");
  assertEquals(new Intl.DurationFormat("de", { style: "long" }).format({ years: 2, days: 1 }), "2 Jahre, 1 Tag");
  assertEquals(new Intl.DurationFormat("en").format("PT1H30M"), "1 hr, 30 min");
  assertThrows(() => new Intl.DurationFormat("en").format({ hours: 1, minutes: -1 }), RangeError);
  assertThrows(() => new Intl.DurationFormat("en").format({}), TypeError);
});

test("NumberFormat units use CLDR's localized names", () => {
  const unit = (locale, u, display, v) => new Intl.NumberFormat(locale, { style: "unit", unit: u, unitDisplay: display }).format(v);
  assertEquals(unit("en", "hour", "long", 1), "1 hour");
  assertEquals(unit("en", "kilometer", "long", 2), "2 kilometers");
  assertEquals(unit("de", "liter", "long", 2), "2 Liter");
  assertEquals(unit("en", "day", "narrow", 3), "3d");
  assertEquals(unit("fr", "foot", "short", 5), "5\u202fpi");
  assertDeepEquals(new Intl.NumberFormat("de", { notation: "compact" }).formatToParts(987654321), [
    { type: "integer", value: "988" },
    { type: "literal", value: "\u00a0" },
    { type: "compact", value: "Mio." },
  ]);
  assertEquals(new Intl.NumberFormat("en", { signDisplay: "exceptZero" }).format(-Infinity), "-∞");
  assertEquals(new Intl.NumberFormat("en-u-nu-ahom").format(12), "𑜱𑜲");
});

test("Intl is loaded on first use and can be replaced", () => {
  assertEquals(Object.prototype.toString.call(Intl), "[object Intl]");
  assert(typeof Intl.Collator === "function");
  const saved = globalThis.Intl;
  globalThis.Intl = 1;
  assertEquals(globalThis.Intl, 1);
  globalThis.Intl = saved;
});

await run();
