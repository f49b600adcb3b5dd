/** The deployed sample content as the in-memory data `createMemoryContent` takes (to re-pack it). */
import type { CompiledContent, Content } from "../../src/content/index.js";

export async function contentData(content: Content): Promise<CompiledContent> {
  const positions = Array.from({ length: content.size }, (_, i) => i);
  return {
    hash: content.hash,
    siteUrl: content.siteUrl,
    articles: await content.articles(positions),
    bodies: await content.bodies(positions),
    tags: [...content.terms("tags")],
    topics: [...content.terms("topics")],
  };
}
