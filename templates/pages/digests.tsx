/**
 * `/digests`: the newest site-wide digests (what a subscriber who chose no topics or tags
 * was mailed), one cadence at a time, each linking its public copy. Data in, markup out.
 */
import type { Cadence } from "../../src/digest/due.js";
import { plural, type Messages } from "../../src/i18n/index.js";
import { Layout } from "../layout.js";

export interface DigestListEntry {
  href: string;
  /** When it was sent, as readers see it. */
  when: string;
  total: number;
  titles: string[];
}

export interface DigestListProps {
  t: Messages;
  siteTitle: string;
  cadence: Cadence;
  /** Every cadence, in the order the subscribe form offers them, with its list's URL. */
  cadences: Array<{ cadence: Cadence; href: string }>;
  entries: DigestListEntry[];
  /** The next (older) page, when there is one. */
  older?: string;
}

const STYLES = `
.cadences{display:flex;gap:1rem;flex-wrap:wrap;margin:0 0 1rem}
.cadences a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}
ul.items li h2{margin:0 0 .25rem;font-size:1.05rem}
ul.items li ul{margin:.25rem 0 0;padding-left:1.2rem}
ul.items li li{border:0;padding:0}
`;

export function DigestListPage(props: DigestListProps) {
  const { t } = props;
  const m = t.digests;
  return (
    <Layout title={`${m.title} · ${props.siteTitle}`} lang={t.lang} head={<style dangerouslySetInnerHTML={{ __html: STYLES }} />}>
      <h1>{m.title}</h1>
      <p class="muted">{m.intro}</p>
      <nav class="cadences" aria-label={m.cadences}>
        {props.cadences.map((c) => (
          <a href={c.href} aria-current={c.cadence === props.cadence ? "page" : undefined}>
            {t.cadence[c.cadence]}
          </a>
        ))}
      </nav>
      {props.entries.length === 0 ? <p>{m.none}</p> : null}
      <ul class="items">
        {props.entries.map((e) => (
          <li>
            <h2>
              <a href={e.href}>{e.when}</a>
            </h2>
            <span class="muted">{plural(t, m.items, e.total)}</span>
            <ul>
              {e.titles.map((title) => (
                <li>{title}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {props.older ? (
        <p>
          <a href={props.older}>{m.older}</a>
        </p>
      ) : null}
      <p>
        <a class="button" href="/subscribe">
          {m.subscribe}
        </a>
      </p>
    </Layout>
  );
}
