/** The preference fields shared by the subscribe and preferences forms (names fixed by DESIGN.md). */
import type { Messages } from "../../src/i18n/index.js";
import { CADENCE_CHOICES, type Preferences } from "../../src/subscribers/preferences.js";

export interface TermOption {
  slug: string;
  name: string;
  count?: number;
}

export interface PreferenceFieldsProps {
  t: Messages;
  topics: TermOption[];
  tags: TermOption[];
  prefs: Preferences;
  timeZones: readonly string[];
}

function TermBoxes({ kind, legend, hint, options, chosen }: { kind: "topics" | "tags"; legend: string; hint: string; options: TermOption[]; chosen: string[] }) {
  if (options.length === 0) return null;
  return (
    <fieldset>
      <legend>{legend}</legend>
      <p class="muted hint">{hint}</p>
      <div class="choices">
        {options.map((o) => (
          <label>
            <input type="checkbox" name={kind} value={o.slug} checked={chosen.includes(o.slug)} />
            {o.name}
            {o.count !== undefined ? <span class="muted">({o.count})</span> : null}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** One end of the quiet hours: both selects are named `quiet` (start, then end). */
function QuietSelect({ id, label, none, value }: { id: string; label: string; none: string; value: number | undefined }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name="quiet">
        <option value="" selected={value === undefined}>
          {none}
        </option>
        {Array.from({ length: 24 }, (_, h) => (
          <option value={String(h)} selected={value === h}>
            {String(h).padStart(2, "0")}:00
          </option>
        ))}
      </select>
    </div>
  );
}

export function PreferenceFields({ t, topics, tags, prefs, timeZones }: PreferenceFieldsProps) {
  const f = t.fields;
  const zones = timeZones.includes(prefs.timezone) ? timeZones : [prefs.timezone, ...timeZones];
  return (
    <>
      <TermBoxes kind="topics" legend={f.topics} hint={f.topicsHint} options={topics} chosen={prefs.topics} />
      <TermBoxes kind="tags" legend={f.tags} hint={f.tagsHint} options={tags} chosen={prefs.tags} />
      <fieldset>
        <legend>{f.cadence}</legend>
        {CADENCE_CHOICES.map((cadence) => (
          <label>
            <input type="radio" name="cadence" value={cadence} checked={prefs.cadence === cadence} />
            {t.cadence[cadence]}
          </label>
        ))}
      </fieldset>
      <div class="row">
        <div class="field not-instant">
          <label for="hour">{f.hour}</label>
          <select id="hour" name="hour">
            {Array.from({ length: 24 }, (_, h) => (
              <option value={String(h)} selected={prefs.hour === h}>
                {String(h).padStart(2, "0")}:00
              </option>
            ))}
          </select>
        </div>
        <div class="field weekly-only">
          <label for="weekday">{f.weekday}</label>
          <select id="weekday" name="weekday">
            {t.weekdays.map((day, d) => (
              <option value={String(d)} selected={prefs.weekday === d}>
                {day}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset class="instant-only">
        <legend>{f.quiet}</legend>
        <p class="muted hint">{f.quietHint}</p>
        <div class="row">
          <QuietSelect id="quiet-start" label={f.quietFrom} none={f.quietNone} value={prefs.quiet?.start} />
          <QuietSelect id="quiet-end" label={f.quietUntil} none={f.quietNone} value={prefs.quiet?.end} />
        </div>
      </fieldset>
      <div class="field">
        <label for="timezone">{f.timezone}</label>
        <select id="timezone" name="timezone">
          {zones.map((z) => (
            <option value={z} selected={prefs.timezone === z}>
              {z}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

/** Extra styles for the subscriber pages, on top of the shared layout. */
export const SUBSCRIBER_STYLES = `
.choices{display:flex;flex-wrap:wrap;gap:.1rem .2rem}
.choices label{margin:.2rem .7rem .2rem 0}
.choices .muted{font-size:.85em}
.hint{margin:0 0 .4rem;font-size:.9rem}
.row{display:flex;gap:1rem;flex-wrap:wrap}
.row .field{flex:1 1 12rem}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;align-items:center;margin-top:1.25rem}
.notice{border-left:4px solid var(--accent);padding:.6rem .9rem;background:var(--card);border-radius:.25rem}
.notice.error{border-color:var(--danger)}
form.inline{display:inline}
form:has(input[name=cadence][value=weekly]:not(:checked)) .weekly-only{display:none}
form:has(input[name=cadence][value=instant]:not(:checked)) .instant-only{display:none}
form:has(input[name=cadence][value=instant]:checked) .not-instant{display:none}
`;
