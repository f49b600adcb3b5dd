/** UTF-8 bytes of a document written as chunks, without joining them into one string first. */
const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of `chunks.join("")`, each chunk encoded on its own and copied once
 * into a buffer of the exact length. Identical to encoding the joined string as long as no
 * surrogate pair is split between two chunks (feed chunks end at a newline or a `,`).
 */
export function encodeChunks(chunks: readonly string[]): Uint8Array {
  return concatBytes(encodeParts(chunks));
}

/** Each chunk's UTF-8 bytes (short-lived: a caller copies them where they are kept, e.g. an arena). */
export function encodeParts(chunks: readonly string[]): Uint8Array[] {
  return chunks.map((chunk) => encoder.encode(chunk));
}

/** `parts` one after another, copied once into a buffer of the exact length. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
