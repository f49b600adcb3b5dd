/** /subscribe, /confirm/{token}, /preferences/{token}, /unsubscribe/{token} (DESIGN.md). */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ConfirmedPage, ConfirmPage } from "../../templates/pages/confirm.js";
import { PreferencesPage } from "../../templates/pages/preferences.js";
import { SubscribePage } from "../../templates/pages/subscribe.js";
import type { TermOption } from "../../templates/pages/subscribe-fields.js";
import { SubscribedPage } from "../../templates/pages/subscribed.js";
import { UnsubscribedPage, UnsubscribePage } from "../../templates/pages/unsubscribe.js";
import { siteContent, type Content } from "../content/index.js";
import type { AppEnv } from "../env.js";
import { format, say, type Reason } from "../i18n/index.js";
import type { TokenPurpose } from "../lib/tokens.js";
import { termSlug, type TermKind } from "../lib/terms.js";
import { methodNotAllowed } from "../lib/http.js";
import { compareNames } from "../pages/directory.js";
import { senderAddress } from "./address.js";
import { readInput } from "./input.js";
import { ConfigError, readConfig } from "../config.js";
import { personalFeedUrls, subscriberLinks, verifyLink } from "./links.js";
import { CADENCE_CHOICES, DEFAULT_PREFERENCES, parsePreferences, timeZones, type Preferences } from "./preferences.js";
import { answersJson, fail, json, page, sameOriginForms, site } from "./respond.js";
import { subscribe } from "./service.js";
import { activate, findById, renewFeedToken, savePreferences, unsubscribe, type Subscriber } from "./store.js";

type C = Context<AppEnv>;

export const subscriberRoutes = new Hono<AppEnv>();

const MAX_BODY = 32 * 1024;
const limitBody = bodyLimit({ maxSize: MAX_BODY, onError: (c) => fail(c as C, 413, { key: "reasons.bodyTooLarge", values: { max: MAX_BODY } }) });

for (const path of ["/subscribe", "/confirm/:token", "/preferences/:token"]) subscriberRoutes.post(path, limitBody, sameOriginForms);
// No cross-site check here: RFC 8058 one-click POSTs come from mail providers' servers,
// and the signed token is the whole authority.
subscriberRoutes.post("/unsubscribe/:token", limitBody);

/** The public view of a subscriber (no id), with their personal feed's URLs. */
async function view(c: C, s: Subscriber) {
  return {
    email: s.email, status: s.status, topics: s.topics, tags: s.tags, cadence: s.cadence, timezone: s.timezone, hour: s.hour, weekday: s.weekday,
    quiet: s.quiet, pausedUntil: s.pausedUntil, feedUrls: await personalFeedUrls(readConfig(c.env).links, s),
  };
}

function options(content: Content, kind: TermKind, chosen: readonly string[], now: number): TermOption[] {
  const out: TermOption[] = [...content.catalogue(kind, now).values()].map((t) => ({ slug: t.slug, name: t.name, count: t.count }));
  const listed = new Set(out.map((t) => t.slug));
  for (const slug of chosen) if (!listed.has(slug)) out.push({ slug, name: content.term(kind, slug)?.name ?? slug });
  // In the order /feeds lists them.
  return out.sort((a, b) => compareNames(a.name, b.name));
}

function clientIp(c: C): string {
  return c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "unknown";
}

// ---- /subscribe ----

async function subscribeForm(c: C, status: 200 | 400, prefs: Preferences, extra: { email?: string; error?: string; fresh: boolean }) {
  const now = Date.now();
  const content = await siteContent(c.env);
  return page(
    c,
    status,
    <SubscribePage
      site={site(c.env)}
      topics={options(content, "topics", prefs.topics, now)}
      tags={options(content, "tags", prefs.tags, now)}
      timeZones={timeZones()}
      prefs={prefs}
      email={extra.email}
      error={extra.error}
      prefillTimeZone={extra.fresh}
    />,
  );
}

subscriberRoutes.get("/subscribe", async (c) => {
  const content = await siteContent(c.env);
  if (answersJson(c)) {
    const now = Date.now();
    return json(c, 200, {
      fields: { email: "", ...DEFAULT_PREFERENCES },
      cadences: CADENCE_CHOICES,
      topics: options(content, "topics", [], now),
      tags: options(content, "tags", [], now),
    });
  }
  // Links such as the feed directory's "email me this topic" preselect terms:
  // /subscribe?topics=<slug>&tags=<slug>. Unknown terms are ignored, not an error.
  const preselect = { topics: c.req.queries("topics") ?? [], tags: c.req.queries("tags") ?? [] };
  const known = (kind: TermKind) => preselect[kind].filter((v) => content.catalogue(kind, Date.now()).has(termSlug(v)));
  const prefs = parsePreferences({ topics: known("topics"), tags: known("tags") }, DEFAULT_PREFERENCES, false, content);
  return subscribeForm(c, 200, prefs.ok ? prefs.value : DEFAULT_PREFERENCES, { fresh: true });
});

subscriberRoutes.post("/subscribe", async (c) => {
  const input = await readInput(c);
  if (!input.ok) return fail(c, input.status, input.reason);
  const { kind, fields } = input.value;
  const result = await withConfig(c, () => subscribe(c.env, fields, kind !== "json", clientIp(c), Date.now()));
  if (result instanceof Response) return result;
  if (!result.ok) {
    const headers: Record<string, string> = result.retryAfter ? { "Retry-After": String(result.retryAfter) } : {};
    if (answersJson(c) || result.status === 429) return fail(c, result.status, result.reason, headers);
    // Show the form again with what was typed.
    const prefs = parsePreferences(fields, DEFAULT_PREFERENCES, true, await siteContent(c.env));
    const email = typeof fields.email === "string" ? fields.email : "";
    return subscribeForm(c, 400, prefs.ok ? prefs.value : DEFAULT_PREFERENCES, { email, error: say(site(c.env).t, result.reason), fresh: false });
  }
  const config = readConfig(c.env);
  const s = config.page;
  if (answersJson(c)) return json(c, 202, { ok: true, message: s.t.subscribe.sent });
  return page(c, 200, <SubscribedPage site={s} from={senderAddress(config.mail.from)} subject={format(s.t.mail.confirmSubject, { site: s.title })} outbox={config.development ? "/dev/outbox" : undefined} />);
});

// ---- token pages ----

/** Runs `fn`, answering 503 when a needed secret is not configured. */
async function withConfig<T>(c: C, fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ConfigError) return fail(c, 503, { key: "errors.notConfigured", values: { what: error.message } });
    throw error;
  }
}

type Resolved = { id: string; subscriber: Subscriber | null };

/** The token's subscriber, or the error answer. */
async function resolve(c: C, purpose: TokenPurpose): Promise<Resolved | Response> {
  return withConfig(c, async () => {
    const id = await verifyLink(readConfig(c.env).links, c.req.param("token") ?? "", purpose);
    if (!id) return fail(c, 400, { key: purpose === "confirm" ? "errors.badConfirmLink" : "errors.badLink" });
    return { id, subscriber: await findById(c.env.DB, id) };
  });
}

const GONE: Reason = { key: "errors.gone" };

function selfUrl(c: C): string {
  return new URL(c.req.url).pathname;
}

subscriberRoutes.get("/confirm/:token", async (c) => {
  const r = await resolve(c, "confirm");
  if (r instanceof Response) return r;
  if (!r.subscriber) return fail(c, 404, GONE);
  if (answersJson(c)) return json(c, 200, { email: r.subscriber.email, status: r.subscriber.status, confirmed: r.subscriber.status === "active" });
  if (r.subscriber.status === "active") {
    const { preferencesUrl } = await subscriberLinks(readConfig(c.env).links, r.id);
    return page(c, 200, <ConfirmedPage site={site(c.env)} email={r.subscriber.email} preferencesUrl={preferencesUrl} already />);
  }
  if (r.subscriber.status !== "pending") return fail(c, 409, endedReason(r.subscriber));
  return page(c, 200, <ConfirmPage site={site(c.env)} email={r.subscriber.email} action={selfUrl(c)} />);
});

function endedReason(s: Subscriber): Reason {
  return { key: s.status === "unsubscribed" ? "errors.cancelled" : "errors.stopped" };
}

subscriberRoutes.post("/confirm/:token", async (c) => {
  const r = await resolve(c, "confirm");
  if (r instanceof Response) return r;
  if (!r.subscriber) return fail(c, 404, GONE);
  const activated = r.subscriber.status === "pending" ? await activate(c.env.DB, r.id, "pending", Date.now()) : null;
  const current = activated ?? (await findById(c.env.DB, r.id));
  if (!current) return fail(c, 404, GONE);
  if (current.status !== "active") return fail(c, 409, endedReason(current));
  const links = await subscriberLinks(readConfig(c.env).links, r.id);
  if (answersJson(c)) return json(c, 200, { ...(await view(c, current)), confirmed: true, ...links });
  return page(c, 200, <ConfirmedPage site={site(c.env)} email={current.email} preferencesUrl={links.preferencesUrl} already={!activated} />);
});

async function preferencesPage(c: C, subscriber: Subscriber, status: 200 | 400, extra: { saved?: boolean; feedRenewed?: boolean; error?: string }) {
  const { links } = readConfig(c.env);
  const [{ unsubscribeUrl }, feeds] = await Promise.all([subscriberLinks(links, subscriber.id), personalFeedUrls(links, subscriber)]);
  const now = Date.now();
  const content = await siteContent(c.env);
  return page(
    c,
    status,
    <PreferencesPage
      site={site(c.env)}
      subscriber={subscriber}
      topics={options(content, "topics", subscriber.topics, now)}
      tags={options(content, "tags", subscriber.tags, now)}
      timeZones={timeZones()}
      action={selfUrl(c)}
      unsubscribeAction={new URL(unsubscribeUrl).pathname}
      feedUrls={feeds}
      saved={extra.saved}
      feedRenewed={extra.feedRenewed}
      error={extra.error}
    />,
  );
}

subscriberRoutes.get("/preferences/:token", async (c) => {
  const r = await resolve(c, "preferences");
  if (r instanceof Response) return r;
  if (!r.subscriber) return fail(c, 404, GONE);
  if (answersJson(c)) return json(c, 200, { ...(await view(c, r.subscriber)), ...(await subscriberLinks(readConfig(c.env).links, r.id)) });
  return preferencesPage(c, r.subscriber, 200, { saved: c.req.query("saved") === "1", feedRenewed: c.req.query("feed") === "new" });
});

subscriberRoutes.post("/preferences/:token", async (c) => {
  const r = await resolve(c, "preferences");
  if (r instanceof Response) return r;
  if (!r.subscriber) return fail(c, 404, GONE);
  const input = await readInput(c);
  if (!input.ok) return fail(c, input.status, input.reason);
  const { kind, fields } = input.value;
  const now = Date.now();
  let updated: Subscriber | null;
  if (fields.action === "new-feed-url") {
    // A new personal feed address; the old one answers 410 from now on.
    const renewed = await renewFeedToken(c.env.DB, r.id, now);
    if (!renewed) return fail(c, 404, GONE);
    if (answersJson(c)) return json(c, 200, { ...(await view(c, renewed)), renewed: true });
    return c.redirect(`${selfUrl(c)}?feed=new`, 303);
  }
  if (fields.action === "resubscribe") {
    if (r.subscriber.status !== "unsubscribed" && r.subscriber.status !== "active") return fail(c, 409, endedReason(r.subscriber));
    updated = (await activate(c.env.DB, r.id, "unsubscribed", now)) ?? r.subscriber;
  } else {
    const prefs = parsePreferences(fields, r.subscriber, kind !== "json", await siteContent(c.env));
    if (!prefs.ok) {
      if (answersJson(c)) return fail(c, 400, prefs.reason);
      return preferencesPage(c, r.subscriber, 400, { error: say(site(c.env).t, prefs.reason) });
    }
    updated = await savePreferences(c.env.DB, r.id, prefs.value, now);
  }
  if (!updated) return fail(c, 404, GONE);
  if (answersJson(c)) return json(c, 200, { ...(await view(c, updated)), saved: true });
  return c.redirect(`${selfUrl(c)}?saved=1`, 303);
});

subscriberRoutes.get("/unsubscribe/:token", async (c) => {
  const r = await resolve(c, "unsubscribe");
  if (r instanceof Response) return r;
  const { preferencesUrl } = await subscriberLinks(readConfig(c.env).links, r.id);
  if (answersJson(c)) return json(c, 200, r.subscriber ? { email: r.subscriber.email, status: r.subscriber.status } : { status: "unsubscribed" });
  if (!r.subscriber || r.subscriber.status !== "active" && r.subscriber.status !== "pending") {
    return page(c, 200, <UnsubscribedPage site={site(c.env)} email={r.subscriber?.email} />);
  }
  return page(c, 200, <UnsubscribePage site={site(c.env)} email={r.subscriber.email} action={selfUrl(c)} preferencesUrl={preferencesUrl} />);
});

subscriberRoutes.post("/unsubscribe/:token", async (c) => {
  const r = await resolve(c, "unsubscribe");
  if (r instanceof Response) return r;
  // Any POST unsubscribes; the body only says who is asking.
  const input = await readInput(c);
  const oneClick = input.ok && input.value.fields["List-Unsubscribe"] === "One-Click";
  const now = Date.now();
  const current = r.subscriber ? ((await unsubscribe(c.env.DB, r.id, now)) ?? (await findById(c.env.DB, r.id))) : null;
  if (oneClick) return c.body(null, 200, { "Cache-Control": "no-store" });
  if (answersJson(c)) return json(c, 200, current ? { email: current.email, status: current.status } : { status: "unsubscribed" });
  const resubscribe = current?.status === "unsubscribed" ? new URL((await subscriberLinks(readConfig(c.env).links, r.id)).preferencesUrl).pathname : undefined;
  return page(c, 200, <UnsubscribedPage site={site(c.env)} email={current?.email} resubscribeAction={resubscribe} />);
});

// Every other method on the subscriber pages: 405 with Allow, not 404.
for (const path of ["/subscribe", "/confirm/:token", "/preferences/:token", "/unsubscribe/:token"]) {
  subscriberRoutes.all(path, methodNotAllowed("GET, HEAD, POST"));
}
