/**
 * One Markdown file → one compiled article, or the list of everything wrong with it.
 * No file system, so it runs in worker threads and in tests alike.
 */
import type { Article } from "../../src/content/types.js";
import { rememberingTermSlug } from "../../src/lib/terms.js";
import { absoluteUrl, trimBase } from "../../src/lib/urls.js";
import { hasInvalidXmlChars, stripInvalidXmlChars } from "../../src/lib/xml.js";
import { renderMarkdown } from "./markdown.js";
import { excerpt } from "./excerpt.js";
import { parseDate } from "./dates.js";
import { readFrontMatter, WrittenNumber } from "./front-matter.js";
import { MAX_ARTICLE_BYTES } from "./limits.js";
import { imageType } from "./media.js";
import { recordDigest } from "./runs.js";
import { slugProblem } from "./slug.js";

export interface Problem {
  file: string;
  field: string;
  reason: string;
}

export interface ParsedArticle {
  article: Article;
  body: string;
  /** `JSON.stringify(article)`: the store's metadata packs are these, joined. */
  metaJson: string;
  /** SHA-256 of the article's metadata JSON and its body: the build's content hash is made of these. */
  digest: string;
  draft: boolean;
}

export interface ParseResult {
  parsed?: ParsedArticle;
  problems: Problem[];
  warnings: string[];
}

export interface ParseOptions {
  siteUrl: string;
}

/** `posts/2025-06-27-meta.md` → `posts` (the Hugo section path) and `2025-06-27-meta`. */
function splitPath(file: string): { dir: string; stem: string } {
  const slash = file.lastIndexOf("/");
  const name = file.slice(slash + 1);
  return { dir: slash < 0 ? "" : file.slice(0, slash), stem: name.replace(/\.(md|markdown)$/i, "") };
}

/** Fields that become URLs: a number written there keeps its text, with a warning if YAML reads it otherwise. */
const URL_FIELDS = new Set(["slug", "tags", "main_topics"]);

const MIB = 1024 * 1024;

/** Slugs of the terms seen lately in this thread: a site's few hundred terms recur on every article. */
const slugOf = rememberingTermSlug();

/**
 * Parses one article. Never throws: whatever goes wrong inside (a bug, a library's
 * exception) becomes a problem naming the file, so one file cannot stop the build.
 */
export function parseArticle(file: string, source: string, options: ParseOptions): ParseResult {
  try {
    return parseOrThrow(file, source, options);
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { problems: [{ file, field: "file", reason: `could not be built: ${message}` }], warnings: [] };
  }
}

function parseOrThrow(file: string, source: string, options: ParseOptions): ParseResult {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const problem = (field: string, reason: string) => problems.push({ file, field, reason });

  const bytes = Buffer.byteLength(source, "utf8");
  if (bytes > MAX_ARTICLE_BYTES) {
    problem("size", `${(bytes / MIB).toFixed(1)} MiB is over the limit of ${MAX_ARTICLE_BYTES / MIB} MiB for one article`);
    return { problems, warnings };
  }
  if (hasInvalidXmlChars(source)) {
    warnings.push(`${file}: removed characters that XML 1.0 forbids (control characters or lone surrogates)`);
    source = stripInvalidXmlChars(source);
  }
  if (!/^\uFEFF?---\r?\n/.test(source)) {
    problem("front matter", "missing: the file must start with a `---` YAML block");
    return { problems, warnings };
  }
  const front = readFrontMatter(source.replace(/^\uFEFF/, ""));
  if (front.problem !== undefined) {
    problem("front matter", front.problem);
    return { problems, warnings };
  }
  let data = front.data;
  const markdown = front.content;
  // YAML escapes (`"\u0001"`) can produce what the raw-text check above could not see
  // (and nothing else can: that text is clean, so a block without a backslash is too).
  if (front.escapes) {
    const cleaned = sanitizeValue(data) as Record<string, unknown>;
    if (JSON.stringify(cleaned) !== JSON.stringify(data)) {
      warnings.push(`${file}: front matter: removed characters that XML 1.0 forbids`);
      data = cleaned;
    }
  }
  const written = (field: string, value: WrittenNumber): string => {
    if (URL_FIELDS.has(field) && value.reread) {
      warnings.push(`${file}: ${field}: kept ${value.text} as written (YAML reads it as the number ${value.value}; quote it to say so)`);
    }
    return value.text;
  };

  const str = (field: string, required = false): string | undefined => {
    const value = data[field];
    if (value === undefined || value === null || value === "") {
      if (required) problem(field, "is required");
      return undefined;
    }
    if (value instanceof WrittenNumber) return written(field, value);
    if (typeof value !== "string") {
      problem(field, `must be a string, got ${describe(value)}`);
      return undefined;
    }
    if (required && value.trim() === "") problem(field, "is required");
    return value.trim();
  };
  const list = (field: string): string[] => {
    const value = data[field];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      problem(field, `must be a list of strings, got ${describe(value)}`);
      return [];
    }
    const out: string[] = [];
    value.forEach((item, i) => {
      if (item instanceof WrittenNumber) item = written(field, item);
      if (typeof item !== "string" || item.trim() === "") {
        problem(field, `item ${i + 1} must be a non-empty string, got ${describe(item)}`);
      } else if ((field === "tags" || field === "main_topics") && slugOf(item) === "") {
        problem(field, `item ${i + 1} ("${item}") has no letters or digits to make a URL from`);
      } else {
        out.push(item.trim());
      }
    });
    return out;
  };
  const date = (field: string, required = false) => {
    const raw = data[field];
    if (raw === undefined || raw === null || raw === "") {
      if (required) problem(field, "is required");
      return undefined;
    }
    if (typeof raw !== "string") {
      problem(field, `must be an ISO 8601 date, got ${describe(raw)}`);
      return undefined;
    }
    const parsed = parseDate(raw);
    if (!parsed) problem(field, `"${raw}" is not a valid ISO 8601 date (e.g. 2025-06-27T09:10:04+08:00)`);
    return parsed;
  };

  const title = str("title", true);
  const published = date("date", true);
  const updatedRaw = data["lastmod"] !== undefined ? date("lastmod") : date("updated");
  const draftValue = data["draft"];
  if (draftValue !== undefined && typeof draftValue !== "boolean") {
    problem("draft", `must be true or false, got ${describe(draftValue)}`);
  }
  const summaryField = str("summary") ?? str("description");
  const slugField = str("slug");
  const image = str("featured_image") ?? str("image");
  const tags = list("tags");
  const topics = list("main_topics");
  const categories = list("categories");
  list("aliases");
  let authors: string[] = [];
  if (typeof data["author"] === "string" || data["author"] instanceof WrittenNumber) authors = [str("author") ?? ""].filter(Boolean);
  else if (Array.isArray(data["author"])) authors = list("author");
  else if (data["author"] !== undefined && data["author"] !== null) problem("author", `must be a string or a list of strings, got ${describe(data["author"])}`);
  if (data["authors"] !== undefined) authors = [...authors, ...list("authors")];

  const { dir, stem } = splitPath(file);
  const slug = slugField ?? stem;
  const badSlug = slugProblem(slug, slugField === undefined);
  if (badSlug) problem("slug", badSlug);
  if (image !== undefined && !isWebUrl(absoluteUrl(image, `${trimBase(options.siteUrl)}/`))) {
    problem("featured_image", `${JSON.stringify(image)} must be an http(s) URL or a path`);
  }
  if (published && updatedRaw && updatedRaw.ms < published.ms) {
    problem(data["lastmod"] !== undefined ? "lastmod" : "updated", "is earlier than date");
  }
  if (problems.length > 0 || !title || !published) return { problems, warnings };

  const base = trimBase(options.siteUrl);
  const url = `${base}/${dir ? dir.split("/").map(encodeURIComponent).join("/") + "/" : ""}${encodeURIComponent(slug)}/`;
  // The source is clean (checked above), and so is the Markdown cut from it.
  const rendered = renderMarkdown(markdown, url, { clean: true });
  warnings.push(...rendered.warnings.map((w) => `${file}: ${w}`));
  const updated = updatedRaw ?? published;
  const article: Article = {
    id: url,
    slug,
    url,
    title,
    date: published.iso,
    published: published.ms,
    updated: updated.iso,
    updatedMs: updated.ms,
    summary: summaryField ?? excerpt(rendered.html),
    authors: [...new Set(authors)],
    tags,
    tagSlugs: tags.map(slugOf),
    topics,
    topicSlugs: topics.map(slugOf),
    categories,
    source: file,
  };
  if (image) {
    const type = imageType(image);
    if (!type) warnings.push(`${file}: featured_image: unknown image type, sent as application/octet-stream`);
    article.image = { url: absoluteUrl(image, url), type: type ?? "application/octet-stream" };
  }
  const metaJson = JSON.stringify(article);
  // Of their UTF-8 (both are well formed: JSON.stringify escapes lone surrogates, the body's source had none).
  const digest = recordDigest(metaJson, rendered.html);
  return { parsed: { article, body: rendered.html, metaJson, digest, draft: draftValue === true }, problems, warnings };
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function sanitizeValue(value: unknown): unknown {
  if (typeof value === "string") return stripInvalidXmlChars(value);
  if (value instanceof WrittenNumber) return value;
  if (Array.isArray(value)) return value.map(sanitizeValue);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeValue(v)]));
  }
  return value;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "nothing";
  if (value instanceof WrittenNumber) return `number ${value.text}`;
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}
