/** Landing pages `/`, `/topics/{topic}/`, `/tags/{tag}/`: latest articles + autodiscovery. */
import type { FeedDocument } from "../../src/feeds/model.js";
import { Layout } from "../layout.js";
import { Autodiscovery, FeedItems, FORMAT_NAMES, FORMATS, PAGE_STYLES } from "./feed-parts.js";

export interface LandingProps {
  doc: FeedDocument;
  /** Display heading: the site title or the term's name. */
  heading: string;
  /** `专题 Topic` / `标签 Tag`, absent on the home page. */
  kindLabel?: string;
  subscribePath: string;
}

export function LandingPage({ doc, heading, kindLabel, subscribePath }: LandingProps) {
  const { meta, items } = doc;
  return (
    <Layout
      title={meta.title}
      lang={meta.language}
      head={
        <>
          <meta name="description" content={meta.description} />
          <Autodiscovery title={meta.title} urls={meta.formatUrls} />
          <style dangerouslySetInnerHTML={{ __html: PAGE_STYLES }} />
        </>
      }
    >
      {kindLabel ? <p class="muted">{kindLabel}</p> : null}
      <h1>{heading}</h1>
      <p class="lead muted">{meta.description}</p>
      <p class="card formats-inline">
        <strong>Subscribe 订阅:</strong>{" "}
        {FORMATS.map((f) => (
          <a href={meta.formatUrls[f]}>{FORMAT_NAMES[f]}</a>
        ))}
        <a href={subscribePath}>Email 邮件</a>
        <a href="/feeds">All feeds 全部订阅源</a>
      </p>
      <h2>Latest articles 最新文章</h2>
      <FeedItems items={items} />
    </Layout>
  );
}

/** Unknown or malformed term on a landing page: the reason, and the way to every feed. */
export function TermProblemPage({ reason, language }: { reason: string; language: string }) {
  return (
    <Layout title="Not found 未找到" lang={language}>
      <h1>Not found 未找到</h1>
      <p class="error">{reason}</p>
      <p>
        Every topic and tag is listed in the <a href="/feeds">feed directory 订阅源目录</a>.
      </p>
    </Layout>
  );
}
