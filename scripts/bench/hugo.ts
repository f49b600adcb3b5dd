/**
 * Hugo building the same corpus's feeds, for comparison: a minimal site whose only
 * outputs are RSS with full content for the home page, every tag and every `main_topics`
 * term (the feeds Tidings serves), 20 items each. Article pages are not written.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { runTimed } from "./build.js";
import { run } from "./util.js";

const CONFIG = `baseURL = "https://news.example.com/"
languageCode = "zh-CN"
title = "Tidings bench"
disableKinds = ["sitemap", "robotsTXT", "404", "section"]
[taxonomies]
  tag = "tags"
  main_topic = "main_topics"
[outputs]
  home = ["RSS"]
  taxonomy = ["RSS"]
  term = ["RSS"]
  page = []
[services.rss]
  limit = 20
`;

const RSS = `{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{{ .Site.Title }} {{ .Title }}</title><link>{{ .Permalink }}</link><description>{{ .Title }}</description>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}{{ range first 20 $pages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid><pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate><description>{{ .Summary | html }}</description><content:encoded>{{ .Content | html }}</content:encoded>{{ range .Params.tags }}<category>{{ . }}</category>{{ end }}</item>
{{ end }}</channel></rss>
`;

export async function hugoSite(dir: string, contentDir: string): Promise<void> {
  await mkdir(join(dir, "layouts/_default"), { recursive: true });
  await writeFile(join(dir, "config.toml"), CONFIG);
  await writeFile(join(dir, "layouts/_default/rss.xml"), RSS);
  await symlink(contentDir, join(dir, "content"), "dir");
}

export interface HugoMeasure {
  wallMs: number;
  cpuMs: number;
  /** RSS files Hugo wrote. */
  feeds: number;
  version: string;
}

/** `hugo` runs here (it is on PATH). */
export async function hugoOnPath(): Promise<boolean> {
  return (await run("hugo", ["version"]).catch(() => ({ code: 1 }))).code === 0;
}

/** One cold Hugo build (fresh destination, no cache) of the site's feeds. */
export async function timeHugo(dir: string, tag: string): Promise<HugoMeasure> {
  const out = join(dir, `public-${tag}`);
  const r = await runTimed(["hugo", "--quiet", "--source", dir, "--destination", out, "--cacheDir", join(dir, `cache-${tag}`), "--noBuildLock"]);
  if (r.code !== 0) throw new Error(`hugo failed:\n${r.stderr.slice(-2000)}`);
  const feeds = readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".xml")).length;
  const version = (await run("hugo", ["version"])).stdout.trim().split(" ")[1] ?? "?";
  return { wallMs: r.ms, cpuMs: r.cpuMs, feeds, version };
}
