/**
 * HTML renderings of a feed document, served and cached by the FeedService like the
 * feed formats: the browser view of a feed URL and the landing pages.
 */
import type { FeedView } from "./service.js";
import { landingPath, subscribePath } from "../lib/urls.js";
import { htmlDocument } from "../lib/html.js";
import { FeedViewPage } from "../../templates/pages/feed-view.js";
import { LandingPage } from "../../templates/pages/landing.js";
import { kindLabel, messagesFor } from "../i18n/index.js";

export const HTML_TYPE = "text/html; charset=utf-8";

export const browserView: FeedView = {
  id: "browser-view",
  contentType: HTML_TYPE,
  render: (doc, request) =>
    htmlDocument(
      FeedViewPage({
        doc,
        format: request.format,
        pagePath: landingPath(request.query.scope),
        subscribePath: subscribePath(request.query.scope),
        ...(request.page !== undefined ? { archivePage: request.page } : {}),
      }),
    ),
};

export const landingView: FeedView = {
  id: "landing",
  contentType: HTML_TYPE,
  render: (doc, request, content) => {
    const scope = request.query.scope;
    const term = scope ? content.term(scope.kind, scope.slug) : undefined;
    return htmlDocument(
      LandingPage({
        doc,
        heading: term ? term.name : doc.meta.title,
        ...(scope ? { kindLabel: kindLabel(messagesFor(doc.meta.language), scope.kind) } : {}),
        subscribePath: subscribePath(scope),
      }),
    );
  },
};
