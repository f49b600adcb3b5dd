/**
 * A strict XML 1.0 + Namespaces parser for tests (saxes): any well-formedness error
 * throws. Produces a tiny DOM with helpers to query it.
 */
import { SaxesParser } from "saxes";

export interface XmlNode {
  /** Qualified name as written (`atom:link`). */
  name: string;
  /** Namespace URI + local name, e.g. `http://www.w3.org/2005/Atom link`. */
  uri: string;
  local: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

export function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let error: Error | undefined;
  parser.on("error", (e) => {
    error ??= e;
  });
  parser.on("opentag", (tag) => {
    const attrs: Record<string, string> = {};
    for (const [key, attr] of Object.entries(tag.attributes)) attrs[key] = typeof attr === "string" ? attr : attr.value;
    const node: XmlNode = { name: tag.name, uri: tag.uri ?? "", local: tag.local ?? tag.name, attrs, children: [], text: "" };
    stack.at(-1)?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on("text", (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on("cdata", (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (error) throw error;
  if (!root) throw new Error("no root element");
  return root;
}

export const NS = {
  atom: "http://www.w3.org/2005/Atom",
  content: "http://purl.org/rss/1.0/modules/content/",
  dc: "http://purl.org/dc/elements/1.1/",
  media: "http://search.yahoo.com/mrss/",
  xml: "http://www.w3.org/XML/1998/namespace",
};

/** Children with the given qualified name (`item`, `atom:link`). */
export function all(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

export function one(node: XmlNode, name: string): XmlNode {
  const found = all(node, name);
  if (found.length !== 1) throw new Error(`expected one <${name}> in <${node.name}>, found ${found.length}`);
  return found[0]!;
}

export function text(node: XmlNode, name: string): string {
  return one(node, name).text;
}
