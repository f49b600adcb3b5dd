/** Limits on one article, so a careless or hostile file fails the build instead of the machine. */

/** Largest article source, in bytes (front matter and body). */
export const MAX_ARTICLE_BYTES = 1024 * 1024;

/** Most values a front matter may hold once YAML aliases are expanded (a real one has tens). */
export const MAX_FRONT_MATTER_VALUES = 10_000;
