/** The result of parsing untrusted input: the value, or why not (and whatever else `Failure` says, e.g. an HTTP status). */
export type Parsed<T, Failure extends object = object> = { ok: true; value: T } | ({ ok: false; reason: string } & Failure);
