const TYPES: Record<string, string> = {
  avif: "image/avif",
  gif: "image/gif",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  png: "image/png",
  svg: "image/svg+xml",
  webp: "image/webp",
};

/** The registered MIME type of an image path (`.jpg` is `image/jpeg`, never `image/jpg`). */
export function imageType(path: string): string | undefined {
  const clean = path.split(/[?#]/)[0]!;
  const ext = /\.([a-z0-9]+)$/i.exec(clean)?.[1]?.toLowerCase();
  return ext ? TYPES[ext] : undefined;
}
