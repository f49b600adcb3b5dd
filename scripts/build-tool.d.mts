/** Types of build-tool.mjs (plain JavaScript so Node runs it without a loader). */
export function sourceKey(root: string, inputs: string[], bundler: string): string | undefined;
export function ensureTool(options: { root: string; toolDir: string; entries: Record<string, string> }): Promise<{ key: string; dir: string; compiled: boolean }>;
export const CONTENT_BUILD_ENTRIES: Record<string, string>;
export function ensureContentBuild(root: string): Promise<{ key: string; dir: string; compiled: boolean }>;
