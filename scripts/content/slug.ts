/** What makes a slug (from `slug:` or the file name) unusable as one URL path segment. */

const FORBIDDEN = /[/\\?#\s\p{Cc}]/u;

/** Why `slug` cannot be an article's last path segment, or undefined when it can. */
export function slugProblem(slug: string, fromFileName: boolean): string | undefined {
  const shown = JSON.stringify(slug);
  const hint = fromFileName ? " (it comes from the file name: rename the file or set slug:)" : "";
  if (slug === "") return `is empty${hint}`;
  // `.` and `..` are resolved away by every URL parser: the article would sit at its
  // section's or the site's own address.
  if (slug === "." || slug === "..") return `${shown} is not a usable URL segment${hint}`;
  if (!fromFileName && FORBIDDEN.test(slug)) {
    return `${shown} must not contain spaces, "/", "\\", "?", "#" or control characters`;
  }
  return undefined;
}
