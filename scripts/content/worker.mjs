// Worker-thread entry for the content build. Plain JS so Node can start it without a
// TypeScript loader; it then loads the TypeScript worker through tsx.
import { tsImport } from "tsx/esm/api";

await tsImport("./worker.ts", import.meta.url);
