/** UTF-8 bytes of a document written as chunks, without joining them into one string first. */
import { scratchBuffers } from "./cache.js";

const encoder = new TextEncoder();

/**
 * `use(bytes)` with the UTF-8 bytes of `chunks.join("")`, each chunk encoded on its own
 * (`encodeInto`) one after another into a scratch buffer lent for the call: no buffer
 * is made per chunk or per document. The bytes are valid only during `use`. Identical
 * to encoding the joined string as long as no surrogate pair is split between two chunks
 * (feed chunks end at a newline or a `,`).
 */
export function withEncoded<T>(chunks: readonly string[], use: (bytes: Uint8Array) => T): T {
  let most = 0;
  for (const chunk of chunks) most += chunk.length * 3; // a UTF-16 unit is at most 3 bytes of UTF-8
  const buffer = scratchBuffers.take(most);
  try {
    const out = new Uint8Array(buffer, 0, most);
    let at = 0;
    for (const chunk of chunks) at += encoder.encodeInto(chunk, out.subarray(at)).written;
    return use(out.subarray(0, at));
  } finally {
    scratchBuffers.give(buffer);
  }
}

/** The UTF-8 bytes of `chunks.join("")` in a buffer of their own (tests, tools). */
export function encodeChunks(chunks: readonly string[]): Uint8Array {
  return withEncoded(chunks, (bytes) => bytes.slice());
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
