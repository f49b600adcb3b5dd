/** GET /subscribe: email, topics and tags from the content's catalogue, cadence, time. */
import type { Preferences } from "../../src/subscribers/preferences.js";
import { fill } from "../../src/i18n/index.js";
import { PreferenceFields, type TermOption } from "./subscribe-fields.js";
import { SubscriberLayout, type PageSite } from "./subscribe-message.js";

export interface SubscribePageProps {
  site: PageSite;
  topics: TermOption[];
  tags: TermOption[];
  timeZones: readonly string[];
  prefs: Preferences;
  email?: string;
  error?: string;
  /** Prefill the time zone from the browser (a fresh form, not a re-shown one). */
  prefillTimeZone: boolean;
}

// Without JavaScript the select keeps its server-side default.
export const PREFILL_TIME_ZONE = `(function(){var s=document.getElementById("timezone");if(!s)return;var z;try{z=Intl.DateTimeFormat().resolvedOptions().timeZone}catch(e){}if(!z)return;for(var i=0;i<s.options.length;i++){if(s.options[i].value===z){s.value=z;return}}var o=document.createElement("option");o.value=z;o.textContent=z;s.appendChild(o);s.value=z})();`;

export function SubscribePage(props: SubscribePageProps) {
  const { t } = props.site;
  const m = t.subscribe;
  return (
    <SubscriberLayout site={props.site} title={m.title}>
      <h1>{m.title}</h1>
      <p class="muted">{fill(m.intro, { site: props.site.title })}</p>
      <p class="muted">{fill(m.recent, { link: <a href="/digests">{m.recentLink}</a> })}</p>
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/subscribe">
        <div class="field">
          <label for="email">{m.email}</label>
          <input id="email" type="email" name="email" required autocomplete="email" inputmode="email" maxlength={254} value={props.email ?? ""} placeholder="you@example.com" />
        </div>
        <div class="hp" aria-hidden="true">
          <label for="website">{m.honeypot}</label>
          <input id="website" type="text" name="website" tabindex={-1} autocomplete="off" />
        </div>
        <PreferenceFields t={t} topics={props.topics} tags={props.tags} prefs={props.prefs} timeZones={props.timeZones} />
        <div class="actions">
          <button type="submit">{m.submit}</button>
        </div>
      </form>
      {props.prefillTimeZone ? <script dangerouslySetInnerHTML={{ __html: PREFILL_TIME_ZONE }} /> : null}
    </SubscriberLayout>
  );
}
