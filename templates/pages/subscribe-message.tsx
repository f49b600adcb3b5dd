/** A short page with a heading and a message: "check your inbox", errors, outcomes. */
import type { Child } from "hono/jsx";
import type { PageSite } from "../../src/config.js";
import { Layout } from "../layout.js";
import { SUBSCRIBER_STYLES } from "./subscribe-fields.js";

export type { PageSite };

/** `styles`: more CSS for this page, after the subscriber pages' own. */
export function SubscriberLayout({ site, title, styles = "", children }: { site: PageSite; title: string; styles?: string; children?: Child }) {
  return (
    <Layout title={`${title} · ${site.title}`} lang={site.lang} head={<style dangerouslySetInnerHTML={{ __html: SUBSCRIBER_STYLES + styles }} />}>
      {children}
    </Layout>
  );
}

export function MessagePage({ site, title, error, children }: { site: PageSite; title: string; error?: boolean; children?: Child }) {
  return (
    <SubscriberLayout site={site} title={title}>
      <h1>{title}</h1>
      <div class={error ? "notice error" : "notice"} role={error ? "alert" : "status"}>
        {children}
      </div>
    </SubscriberLayout>
  );
}
