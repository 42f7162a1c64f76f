// console: formats values the way developers know from Node and Deno (printf-style
// substitutions, inspected objects) and hands each line to the native log sink.

// The built-ins inspection uses, taken before app code runs: an app that replaces
// `Object.keys` or `JSON.stringify` does not change (or break) how values print.
const ObjectKeys = Object.keys;
const ObjectIs = Object.is;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ArrayIsArray = Array.isArray;
const ArrayFrom = Array.from;
const JSONStringify = JSON.stringify;

// Node's `util.inspect` quotes strings its own way ('single', or "double"/`back` when the text
// holds single quotes); the console keeps JSON's double quotes.
let nodeStyle = false;
const STRING_ESCAPES = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };

function quote(text) {
  if (!nodeStyle) return JSONStringify(text);
  let q = "'";
  if (text.includes("'")) {
    if (!text.includes('"')) q = '"';
    else if (!text.includes("`") && !text.includes("${")) q = "`";
  }
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0);
    // A lone surrogate shows as its escape (iterating by code point keeps pairs whole).
    if (c >= 0xd800 && c <= 0xdfff) out += `\\u${c.toString(16).toUpperCase()}`;
    else if (ch === q || ch === "\\") out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f) out += STRING_ESCAPES[c] ?? `\\x${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += ch;
  }
  return q + out + q;
}

/** `util.inspect`'s view of a value: Node's quoting, `[util.inspect.custom]` honoured. */
function inspectNodeStyle(value, depth = 2, seen = new Set(), top = false) {
  const previous = nodeStyle;
  nodeStyle = true;
  try {
    return inspect(value, depth, seen, top);
  } finally {
    nodeStyle = previous;
  }
}

/** `util.format`: `formatArgs` with Node's quoting. */
function formatArgsNodeStyle(args) {
  const previous = nodeStyle;
  nodeStyle = true;
  try {
    return formatArgs(args);
  } finally {
    nodeStyle = previous;
  }
}

const INSPECT_CUSTOM = Symbol.for("nodejs.util.inspect.custom");

function inspect(value, depth = 2, seen = new Set(), top = true) {
  switch (typeof value) {
    case "string":
      return top ? value : quote(value);
    case "number":
      return ObjectIs(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "boolean":
      return String(value);
    case "symbol":
      return value.toString();
    case "function": {
      const name = value.name ? `: ${value.name}` : " (anonymous)";
      return /^class\s/.test(Function.prototype.toString.call(value)) ? `[class${name.slice(1) ? " " + value.name : ""}]` : `[Function${name}]`;
    }
  }
  if (value === null) return "null";
  if (seen.has(value)) return "[Circular]";
  const custom = value[INSPECT_CUSTOM];
  if (typeof custom === "function") {
    const options = { depth, colors: false, stylize: (text) => text };
    const result = custom.call(value, depth, options, (v, o) => inspect(v, o?.depth ?? depth, seen, false));
    if (result !== value) return typeof result === "string" ? result : inspect(result, depth, seen, false);
  }
  if (value instanceof Error) {
    const head = value.message ? `${value.name}: ${value.message}` : String(value.name);
    const stack = value.stack ? String(value.stack).trimEnd() : "";
    // The stack begins with the name and message already (as V8's does); older ones may not.
    if (stack.startsWith(head)) return stack;
    return stack ? `${head}\n${stack}` : head;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (value instanceof Promise) return "Promise { <pending> }";
  if (typeof URL === "function" && value instanceof URL) return `URL '${value.href}'`;
  if (depth < 0) return ArrayIsArray(value) ? "[Array]" : "[Object]";
  seen.add(value);
  try {
    if (ArrayIsArray(value)) {
      const items = value.slice(0, 100).map((v) => inspect(v, depth - 1, seen, false));
      if (value.length > 100) items.push(`... ${value.length - 100} more items`);
      return items.length ? `[ ${items.join(", ")} ]` : "[]";
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const name = value.constructor.name;
      const items = ArrayFrom(value.slice(0, 100), (v) => inspect(v, 0, seen, false));
      if (value.length > 100) items.push(`... ${value.length - 100} more items`);
      return items.length ? `${name}(${value.length}) [ ${items.join(", ")} ]` : `${name}(0) []`;
    }
    if (value instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${value.byteLength} }`;
    if (value instanceof Map) {
      const items = [...value].map(([k, v]) => `${inspect(k, depth - 1, seen, false)} => ${inspect(v, depth - 1, seen, false)}`);
      return `Map(${value.size}) { ${items.join(", ")} }`;
    }
    if (value instanceof Set) {
      const items = [...value].map((v) => inspect(v, depth - 1, seen, false));
      return `Set(${value.size}) { ${items.join(", ")} }`;
    }
    if (typeof Headers === "function" && value instanceof Headers) {
      const items = [...value].map(([k, v]) => `${quote(k)}: ${quote(v)}`);
      return `Headers { ${items.join(", ")} }`;
    }
    const proto = ObjectGetPrototypeOf(value);
    const ctorName = proto && proto.constructor && proto.constructor.name;
    const tag = value[Symbol.toStringTag];
    let prefix = "";
    if (ctorName && ctorName !== "Object") prefix = `${ctorName} `;
    else if (proto === null) prefix = "[Object: null prototype] ";
    else if (typeof tag === "string" && tag !== "Object") prefix = `${tag} `;
    const keys = ObjectKeys(value);
    if (keys.length === 0) return `${prefix}{}`;
    const items = keys.map((k) => {
      const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
      let v;
      try {
        v = inspect(value[k], depth - 1, seen, false);
      } catch {
        v = "[Getter]";
      }
      return `${key}: ${v}`;
    });
    return `${prefix}{ ${items.join(", ")} }`;
  } finally {
    seen.delete(value);
  }
}

function formatArgs(args) {
  if (args.length === 0) return "";
  let first = args[0];
  let rest = 1;
  let out;
  if (typeof first === "string" && first.includes("%")) {
    out = first.replace(/%[sdifjoOc%]/g, (m) => {
      if (m === "%%") return "%";
      if (rest >= args.length) return m;
      const arg = args[rest++];
      switch (m) {
        case "%s":
          return typeof arg === "string" ? arg : inspect(arg, 1, new Set(), false);
        case "%d":
        case "%i":
        case "%f": {
          if (typeof arg === "bigint") return m === "%f" ? String(Number(arg)) : `${arg}n`;
          if (typeof arg === "symbol") return "NaN";
          const n = m === "%d" ? (typeof arg === "object" && arg !== null ? NaN : Number(arg)) : m === "%i" ? parseInt(arg) : parseFloat(arg);
          return ObjectIs(n, -0) ? "-0" : String(n);
        }
        case "%j":
          try {
            return JSONStringify(arg);
          } catch {
            return "[Circular]";
          }
        case "%c":
          return "";
        default:
          return inspect(arg, 4, new Set(), false);
      }
    });
  } else {
    out = inspect(first);
  }
  for (; rest < args.length; rest++) out += " " + inspect(args[rest]);
  return out;
}

function makeConsole(print) {
  const counts = new Map();
  const timers = new Map();
  let indent = "";
  const emit = (level, args) => {
    let text = formatArgs(args);
    if (indent) text = text.split("\n").map((l) => indent + l).join("\n");
    print(level, text);
  };
  // A namespace object: its prototype is an empty object (whose prototype is Object.prototype).
  const console = Object.assign(Object.create({}), {
    log: (...args) => emit("log", args),
    info: (...args) => emit("info", args),
    debug: (...args) => emit("debug", args),
    warn: (...args) => emit("warn", args),
    error: (...args) => emit("error", args),
    trace: (...args) => {
      const stack = new Error().stack.split("\n").slice(1).join("\n");
      emit("debug", ["Trace" + (args.length ? ": " + formatArgs(args) : "") + "\n" + stack]);
    },
    // Lengths and argument handling follow the Console standard's WebIDL (all optional).
    assert: (...args) => {
      const [condition, ...data] = args;
      if (!condition) emit("error", ["Assertion failed" + (data.length ? ": " + formatArgs(data) : "")]);
    },
    dir: (value = undefined, options = undefined) => emit("log", [inspect(value, 2, new Set(), false)]),
    dirxml: (...args) => emit("log", args),
    table: (value = undefined, properties = undefined) => emit("log", [value]),
    clear: () => {},
    count: (label = "default") => {
      label = String(label);
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      emit("info", [`${label}: ${n}`]);
    },
    countReset: (label = "default") => counts.delete(String(label)),
    time: (label = "default") => timers.set(String(label), performance.now()),
    timeLog: (label = "default", ...args) => {
      label = String(label);
      const start = timers.get(label);
      if (start !== undefined) emit("info", [`${label}: ${(performance.now() - start).toFixed(3)}ms`, ...args]);
    },
    timeEnd: (label = "default") => {
      label = String(label);
      const start = timers.get(label);
      if (start !== undefined) {
        timers.delete(label);
        emit("info", [`${label}: ${(performance.now() - start).toFixed(3)}ms`]);
      }
    },
    group: (...args) => {
      if (args.length) emit("log", args);
      indent += "  ";
    },
    groupCollapsed: (...args) => console.group(...args),
    groupEnd: () => {
      indent = indent.slice(2);
    },
  });
  return console;
}
