/**
 * Qimen's XML, read and written with fast-xml-parser (never by string concatenation), within the
 * same limits as the hub's JSON: the body limit (checked before), nested at most MAX_XML_DEPTH
 * elements, no DOCTYPE (so no entity of the sender's own: only XML's five and character
 * references), well-formed or refused with where it is not.
 *
 * Every value is read as text (`0012` stays `0012`; the message schemas say which are numbers),
 * trimmed; CDATA is read as text, as it stands; character references (`&#20013;`) are decoded, and,
 * leniently, HTML's named entities (`&nbsp;`) too; attributes are not used by Qimen and are ignored. The list elements
 * (`orderLines/orderLine`, `packages/package`, `items/item`, `batchs/batch`,
 * `criteriaList/criteria`) are always arrays, even of one.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** The same depth as a JSON body's (../http/read-body.ts). */
export const MAX_XML_DEPTH = 32;

const LIST_ELEMENTS = new Set(['orderLine', 'package', 'item', 'batch', 'criteria']);

export const XML_PROLOG = '<?xml version="1.0" encoding="utf-8"?>';

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  maxNestedTags: MAX_XML_DEPTH,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

const builder = new XMLBuilder({ format: false, processEntities: true, suppressEmptyNode: false });

export type XmlRead = Readonly<{ ok: true; root: string; value: unknown }> | Readonly<{ ok: false; error: string }>;

/** How deep the elements of `text` nest at most, and how many it has at the top (open tags counted; comments and CDATA skipped). */
const shapeOf = (text: string): Readonly<{ deepest: number; roots: number }> => {
  let depth = 0;
  let deepest = 0;
  let roots = 0;
  const tags = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)[^>]*?(\/?)>/g;
  for (let match = tags.exec(text); match !== null; match = tags.exec(text)) {
    if (match[0].startsWith('<!') || match[0].startsWith('<?')) continue;
    if (match[1] === '/') {
      depth -= 1;
      continue;
    }
    if (depth === 0) roots += 1;
    if (match[2] !== '/') depth += 1;
    deepest = Math.max(deepest, depth);
  }
  return { deepest, roots };
};

/** A Qimen message's XML: its root element's name and content, or why it cannot be read. */
export const readXml = (text: string): XmlRead => {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { ok: false, error: 'a DOCTYPE or ENTITY declaration is not accepted' };
  const shape = shapeOf(text);
  if (shape.deepest > MAX_XML_DEPTH) return { ok: false, error: `the XML is nested deeper than ${MAX_XML_DEPTH} elements` };
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    return {
      ok: false,
      error: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}${valid.err.col === undefined ? '' : `, column ${valid.err.col}`})`,
    };
  if (shape.roots !== 1) return { ok: false, error: `one root element expected, ${shape.roots} found` };
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (error) {
    return { ok: false, error: `not readable XML: ${error instanceof Error ? error.message : String(error)}` };
  }
  const [root] = typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : [];
  if (root === undefined) return { ok: false, error: 'no root element' };
  return { ok: true, root: root[0], value: root[1] };
};

/** A leaf's text, when it has some (an element read as a string, not empty). */
export const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** An element's children by name (none when it is not an element with children). */
export const fieldsOf = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Readonly<Record<string, unknown>>) : {};

/** The elements of a wrapped list (`<items><item>…</item></items>`: `listOf(items, 'item')`), each as its children. */
export const listOf = (wrapper: unknown, element: string): Readonly<Record<string, unknown>>[] => {
  const list = fieldsOf(wrapper)[element];
  return Array.isArray(list) ? list.map(fieldsOf) : [];
};

/** A message as XML: the prolog, then `root` holding `content` (text escaped, lists as repeated elements). */
export const writeXml = (root: string, content: Readonly<Record<string, unknown>>): string =>
  `${XML_PROLOG}${String(builder.build({ [root]: content }))}`;
