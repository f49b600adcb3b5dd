/**
 * The result of parsing untrusted input: the value, or why not (and whatever else `Failure`
 * says, e.g. an HTTP status). `Why` is plain text by default; reader-facing parsers give a
 * catalogue `Reason` (src/i18n) so the answer can say it in the site's language.
 */
export type Parsed<T, Failure extends object = object, Why = string> = { ok: true; value: T } | ({ ok: false; reason: Why } & Failure);
