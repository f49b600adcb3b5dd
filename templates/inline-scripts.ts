/**
 * Every inline `<script>` body the pages carry. The CSP allows exactly these, by hash
 * (`src/lib/page-security.ts`): a page script not listed here does not run, and
 * tests/worker/page-security.test.ts fails for it.
 */
import { COPY_SCRIPT } from "./pages/feed-parts.js";
import { FILTER_SCRIPT } from "./pages/feeds.js";
import { PREFILL_TIME_ZONE } from "./pages/subscribe.js";

export const INLINE_SCRIPTS: readonly string[] = [COPY_SCRIPT, FILTER_SCRIPT, PREFILL_TIME_ZONE];
