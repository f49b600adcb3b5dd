/**
 * Hugo's URL form of a taxonomy term ("urlize"): lower-cased, runs of white space to
 * `-`, letters/numbers/marks of any script kept, a few safe ASCII punctuation marks kept,
 * everything else dropped. `Scale AI` → `scale-ai`, `数据安全` → `数据安全`, `C++` → `c++`.
 * Used by the content build and by the Worker, so both agree on every URL. Not memoized:
 * its input is often a client's text, which nothing per isolate may keep.
 */
export function termSlug(term: string): string {
  return term
    .normalize("NFC")
    .trim()
    .toLowerCase()
    .replace(/\s+/gu, "-")
    .replace(/[^\p{L}\p{N}\p{M}._~+-]/gu, "")
    .replace(/-{2,}/g, "-");
}

/**
 * `termSlug`, remembering up to `keep` names (emptied when full): for a build's own
 * articles, whose few hundred terms recur on every one — never for a client's text.
 */
export function rememberingTermSlug(keep = 4096): (term: string) => string {
  const slugs = new Map<string, string>();
  return (term) => {
    let slug = slugs.get(term);
    if (slug === undefined) {
      if (slugs.size >= keep) slugs.clear();
      slug = termSlug(term);
      slugs.set(term, slug);
    }
    return slug;
  };
}

export type TermKind = "tags" | "topics";

