/** The preference fields shared by the subscribe and preferences forms (names fixed by DESIGN.md). */
import type { Preferences } from "../../src/subscribers/preferences.js";

export interface TermOption {
  slug: string;
  name: string;
  count?: number;
}

export interface PreferenceFieldsProps {
  topics: TermOption[];
  tags: TermOption[];
  prefs: Preferences;
  timeZones: readonly string[];
}

const WEEKDAYS = ["Sunday 周日", "Monday 周一", "Tuesday 周二", "Wednesday 周三", "Thursday 周四", "Friday 周五", "Saturday 周六"];

function TermBoxes({ kind, legend, hint, options, chosen }: { kind: "topics" | "tags"; legend: string; hint: string; options: TermOption[]; chosen: string[] }) {
  if (options.length === 0) return null;
  return (
    <fieldset>
      <legend>{legend}</legend>
      <p class="muted hint">{hint}</p>
      <div class="choices">
        {options.map((t) => (
          <label>
            <input type="checkbox" name={kind} value={t.slug} checked={chosen.includes(t.slug)} />
            {t.name}
            {t.count !== undefined ? <span class="muted">({t.count})</span> : null}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function PreferenceFields({ topics, tags, prefs, timeZones }: PreferenceFieldsProps) {
  const zones = timeZones.includes(prefs.timezone) ? timeZones : [prefs.timezone, ...timeZones];
  return (
    <>
      <TermBoxes kind="topics" legend="Topics 主题" hint="Tick none to get every topic. 不选即全部。" options={topics} chosen={prefs.topics} />
      <TermBoxes kind="tags" legend="Tags 标签" hint="Optional: narrow further by tag. 可选：按标签筛选。" options={tags} chosen={prefs.tags} />
      <fieldset>
        <legend>How often 频率</legend>
        <label>
          <input type="radio" name="cadence" value="daily" checked={prefs.cadence === "daily"} />
          Daily 每日
        </label>
        <label>
          <input type="radio" name="cadence" value="weekly" checked={prefs.cadence === "weekly"} />
          Weekly 每周
        </label>
      </fieldset>
      <div class="row">
        <div class="field">
          <label for="hour">Delivery time 发送时间</label>
          <select id="hour" name="hour">
            {Array.from({ length: 24 }, (_, h) => (
              <option value={String(h)} selected={prefs.hour === h}>
                {String(h).padStart(2, "0")}:00
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="weekday">Day for weekly digests 每周发送日</label>
          <select id="weekday" name="weekday">
            {WEEKDAYS.map((day, d) => (
              <option value={String(d)} selected={prefs.weekday === d}>
                {day}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div class="field">
        <label for="timezone">Time zone 时区</label>
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
`;
