/** The plain-text part of a digest email. */
import type { DigestModel } from "../../src/digest/model.js";

export function digestText(model: DigestModel): string {
  const lines: string[] = [`${model.siteTitle} — ${model.strings.heading}`, ""];
  if (model.webCopyUrl) lines.push(`${model.t.digest.viewInBrowser}: ${model.webCopyUrl}`, "");
  lines.push(model.strings.intro, "");
  model.items.forEach((item, i) => {
    lines.push(`${i + 1}. ${item.title}`, `   ${model.date(item.date)}`);
    if (item.summary) lines.push(`   ${item.summary}`);
    lines.push(`   ${item.url}`, "");
  });
  if (model.strings.more) lines.push(model.strings.more, model.feedUrl ?? model.siteUrl, "");
  lines.push("--", model.strings.why, `${model.strings.preferences}: ${model.preferencesUrl}`);
  if (model.feedUrl) lines.push(`${model.t.digest.feed}: ${model.feedUrl}`);
  lines.push(`${model.strings.unsubscribe}: ${model.unsubscribeUrl}`, "");
  return lines.join("\n");
}
