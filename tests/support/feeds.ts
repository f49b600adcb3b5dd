import type { FeedAnswer, FeedVariant } from "../../src/feeds/service.js";

/** The variant of an answer a test expects to exist (a current document, or an archive page in range). */
export function variantOf(answer: FeedAnswer): FeedVariant {
  if (!answer.ok) throw new Error(answer.reason);
  return answer.value;
}
