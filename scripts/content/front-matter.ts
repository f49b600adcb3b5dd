/**
 * YAML front matter → plain data, read the way a publisher means it:
 * - the CORE schema, so dates stay strings and keep their offset (no timestamp type);
 * - numbers keep the text they were written with (`slug: 007` is "007", not 7), as
 *   `WrittenNumber`s, so fields that want text get it and the rest can still say
 *   "got number 01";
 * - aliases may share values, but a front matter that expands to more than
 *   `MAX_FRONT_MATTER_VALUES` values (an alias bomb) or refers to itself is refused,
 *   before anything walks it.
 */
import * as yaml from "js-yaml";
import { MAX_FRONT_MATTER_VALUES } from "./limits.js";

/** A YAML number, with the text the author wrote and the value YAML gives it. */
export class WrittenNumber {
  readonly text: string;
  readonly value: number;
  constructor(text: string, value: number) {
    this.text = text;
    this.value = value;
  }
  /** Lets js-yaml use the written text as a mapping key (`2024: …`). */
  get [Symbol.toStringTag](): string {
    return "WrittenNumber";
  }
  toString(): string {
    return this.text;
  }
  /** Whether YAML's reading of the number prints differently from what was written. */
  get reread(): boolean {
    return String(this.value) !== this.text;
  }
}

// js-yaml 4 exports its built-in types; @types/js-yaml does not declare them.
const builtIn = (yaml as unknown as { types: Record<"int" | "float", yaml.Type> }).types;

function writtenNumberType(tag: string, base: yaml.Type): yaml.Type {
  return new yaml.Type(tag, {
    kind: "scalar",
    resolve: (text: string) => base.resolve(text),
    construct: (text: string) => new WrittenNumber(text, base.construct(text) as number),
  });
}

// CORE, with its int and float replaced (js-yaml replaces a type of the same tag and kind).
const schema = yaml.CORE_SCHEMA.extend({
  implicit: [
    writtenNumberType("tag:yaml.org,2002:int", builtIn.int),
    writtenNumberType("tag:yaml.org,2002:float", builtIn.float),
  ],
});

/** The schema front matter is read with (tests compare `plainYaml` against js-yaml with it). */
export const FRONT_MATTER_SCHEMA = schema;

/** The types js-yaml tries on a plain scalar, in its order (null, bool, int, float): the first that resolves it makes its value. */
const implicitTypes = (schema as unknown as { compiledImplicit: yaml.Type[] }).compiledImplicit;

/** First characters of what those types resolve (`~`, null, true/false, numbers, `.inf`/`.nan`): any other plain scalar is a string. */
const TYPED_FIRST = /^[~nNtTfF0-9+\-.]/;

function plainValue(text: string): unknown {
  if (!TYPED_FIRST.test(text)) return text;
  for (const type of implicitTypes) {
    if (type.resolve(text)) return type.construct!(text);
  }
  return text;
}

/** `key:` at the start of a line, then nothing, or a space or tab and the rest. */
const ENTRY = /^([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*))?$/;
/** `- ` and the rest, after the indent. */
const ITEM = /^( *)- +(.*)$/;
/** Characters YAML does not read as plain text — control and C1 characters, tabs, CR, a BOM — anywhere. */
const UNPLAIN_CHAR = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]/;
/** What a plain scalar cannot start with (indicators, quotes, a dash), a comment or a mapping inside it, a colon at its end. */
const UNPLAIN_SCALAR = /^[-?:,[\]{}#&*!|>'"%@`]|: |\s#|:$/;

/** One-line `"…"` without escapes, or `'…'` without a quote inside: the text between is the value (a string, never typed). */
const QUOTED = /^(?:"([^"\\]*)"|'([^']*)') *$/;

/**
 * A one-line scalar's value — plain (trailing spaces are not part of it; typed as js-yaml
 * types it) or simply quoted — or undefined when it is not one this reads.
 */
function scalarValue(raw: string): { value: unknown } | undefined {
  const quoted = QUOTED.exec(raw);
  if (quoted) return { value: quoted[1] ?? quoted[2]! };
  const text = raw.replace(/ +$/, "");
  if (text === "" || UNPLAIN_SCALAR.test(text)) return undefined;
  return { value: plainValue(text) };
}

/**
 * The front matter of the common shape read without js-yaml: each line a `key: value`
 * at the start of the line, or a `key:` followed by `- item` lines at one indent, every
 * value a one-line plain scalar, typed by js-yaml's own implicit types, or quoted without
 * escapes — so the data is what js-yaml gives. Undefined for anything else (escapes, comments, flow or block
 * scalars, continued lines, anchors, nesting, repeated keys, white-space lines…):
 * js-yaml reads those. Several times faster than js-yaml on an article's front matter.
 */
export function plainYaml(matter: string): Record<string, unknown> | undefined {
  if (UNPLAIN_CHAR.test(matter) || !matter.isWellFormed()) return undefined;
  const data: Record<string, unknown> = {};
  /** The items of the last `key:` with nothing after it, and their indent once known. */
  let list: unknown[] | undefined;
  let listKey = "";
  let indent = -1;
  const endList = () => {
    if (list !== undefined && list.length > 0) data[listKey] = list;
    list = undefined;
  };
  for (const line of matter.split("\n")) {
    if (line === "") continue;
    if (list !== undefined) {
      const item = ITEM.exec(line);
      if (item) {
        if (indent >= 0 && item[1]!.length !== indent) return undefined;
        indent = item[1]!.length;
        const scalar = scalarValue(item[2]!);
        if (scalar === undefined) return undefined;
        list.push(scalar.value);
        continue;
      }
      endList();
    }
    const entry = ENTRY.exec(line);
    if (!entry) return undefined;
    const key = entry[1]!;
    if (key === "__proto__" || Object.hasOwn(data, key) || plainValue(key) !== key) return undefined;
    const rest = entry[2] ?? "";
    if (rest === "") {
      // Null, unless items follow.
      data[key] = null;
      list = [];
      listKey = key;
      indent = -1;
      continue;
    }
    const scalar = scalarValue(rest);
    if (scalar === undefined) return undefined;
    data[key] = scalar.value;
  }
  endList();
  return data;
}

const yamlEngine = {
  parse: (text: string) => (yaml.load(text, { schema }) ?? {}) as object,
};

export type FrontMatter =
  | {
      data: Record<string, unknown>;
      content: string;
      /** The block holds a backslash: only a YAML escape can make a character the raw text did not have. */
      escapes: boolean;
      problem?: undefined;
    }
  | { problem: string; data?: undefined; content?: undefined; escapes?: undefined };

/**
 * The `---` block and what follows it, read exactly as gray-matter reads them (the
 * closing delimiter is the first `\n---`; one line break after it is dropped), without
 * its costs per call — a lookup keyed by the whole file and a Buffer copy of it, ~0.2 ms
 * an article. Undefined when there is no block; `language` is what follows the opening `---`.
 */
export function splitFrontMatter(source: string): { language: string; matter: string; content: string } | undefined {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (!text.startsWith("---") || text[3] === "-") return undefined;
  let rest = text.slice(3);
  const length = rest.length;
  const language = rest.slice(0, rest.search(/\r?\n/));
  if (language.trim()) rest = rest.slice(language.length);
  let close = rest.indexOf("\n---");
  if (close === -1) close = length;
  let content = close === length ? "" : rest.slice(close + 4);
  if (content[0] === "\r") content = content.slice(1);
  if (content[0] === "\n") content = content.slice(1);
  return { language: language.trim(), matter: rest.slice(0, close), content };
}

/** Splits `source` (which starts with `---`) into its front matter and Markdown body. */
export function readFrontMatter(source: string): FrontMatter {
  let result: { data: unknown; content: string; escapes: boolean };
  try {
    const split = splitFrontMatter(source);
    if (split && split.language !== "" && split.language !== "yaml") return { problem: `front matter in ${split.language}: only YAML is read` };
    // A block of nothing but comments is no data (as gray-matter has it).
    const plain = split ? plainYaml(split.matter) : undefined;
    const data = plain ?? (split && split.matter.replace(/^\s*#[^\n]+/gm, "").trim() !== "" ? yamlEngine.parse(split.matter) : {});
    result = { data, content: split ? split.content : source.replace(/^\uFEFF/, ""), escapes: split?.matter.includes("\\") ?? false };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { problem: `invalid YAML: ${message}` };
  }
  const data = result.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { problem: "must be a YAML mapping of field: value" };
  }
  const expansion = expandedSize(data);
  if (expansion === "cycle") return { problem: "a YAML alias refers to the value that contains it" };
  if (expansion > MAX_FRONT_MATTER_VALUES) {
    return { problem: `YAML aliases expand it to more than ${MAX_FRONT_MATTER_VALUES} values` };
  }
  return { data: data as Record<string, unknown>, content: result.content, escapes: result.escapes };
}

/**
 * How many values `root` holds once every alias is expanded, counted without expanding:
 * each shared list or mapping is measured once. Stops counting past the limit.
 */
function expandedSize(root: unknown): number | "cycle" {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  const size = (value: unknown): number | "cycle" => {
    if (typeof value !== "object" || value === null || value instanceof WrittenNumber) return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (open.has(value)) return "cycle";
    open.add(value);
    let total = 1;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      const n = size(child);
      if (n === "cycle") return n;
      total = Math.min(total + n, MAX_FRONT_MATTER_VALUES + 1);
    }
    open.delete(value);
    sizes.set(value, total);
    return total;
  };
  return size(root);
}
