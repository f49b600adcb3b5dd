/**
 * Comparing a presented secret (admin token) with the configured one in constant time:
 * SHA-256 of both sides, then `crypto.subtle.timingSafeEqual`, so neither length nor
 * content leaks through timing.
 */
const encoder = new TextEncoder();

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

export async function secretMatches(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}
