/**
 * Qimen's XML: what the hub writes it reads back the same (Chinese, the five escaped characters,
 * a `]]>`), CDATA and character references are read as a WMS means them, and the limits hold
 * (depth, DOCTYPE and entities, well-formedness, one root): each refusal says why.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_XML_DEPTH, XML_PROLOG, readXml, writeXml } from '../../../src/adapters/qimen/qimen-xml.ts';

/** Text XML 1.0 can carry (no control characters but tab and newlines), trimmed as the reader trims it. */
const text = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('张', '三', '顺', '丰', '&', '<', '>', '"', "'", ']]>', ' ', '\n', '#', ';'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
    ),
    maxLength: 40,
  })
  .map((value) =>
    [...value]
      .filter((character) => (character.codePointAt(0) ?? 0) >= 0x20 || '\t\n\r'.includes(character))
      .filter((character) => character !== '\u007f')
      .join('')
      .trim(),
  );
const name = fc
  .stringMatching(/^[a-z][A-Za-z0-9]{0,11}$/)
  .filter((tag) => !['orderLine', 'package', 'item', 'batch', 'criteria'].includes(tag));
const lines = fc.array(fc.record({ itemCode: text, planQty: fc.nat().map(String), batchCode: text }), { minLength: 1, maxLength: 4 });

describe('round trip', () => {
  test.prop([fc.dictionary(name, text, { maxKeys: 6 }), lines])('what the hub writes, it reads back as it was', (fields, orderLines) => {
    const content = { ...fields, orderLines: { orderLine: orderLines } };
    const read = readXml(writeXml('request', content));
    expect(read).toEqual({ ok: true, root: 'request', value: { ...fields, orderLines: { orderLine: orderLines } } });
  });

  it('writes the prolog and escapes what must be: Chinese text stays as it is', () => {
    expect(writeXml('response', { flag: 'failure', message: '张三 <a> & "b"' })).toBe(
      `${XML_PROLOG}<response><flag>failure</flag><message>张三 &lt;a&gt; &amp; &quot;b&quot;</message></response>`,
    );
  });

  it('reads CDATA as it stands, character references decoded, numbers as text, one line of a list as a list', () => {
    const read = readXml(
      '<?xml version="1.0" encoding="utf-8"?><request><name><![CDATA[张三 <VIP> & co]]></name><city>&#x5317;&#20140;</city><qty>0012</qty><orderLines><orderLine><itemCode>A</itemCode></orderLine></orderLines></request>',
    );
    expect(read).toEqual({
      ok: true,
      root: 'request',
      value: { name: '张三 <VIP> & co', city: '北京', qty: '0012', orderLines: { orderLine: [{ itemCode: 'A' }] } },
    });
  });
});

describe('limits and refusals', () => {
  const nested = (depth: number) => `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;

  it(`nesting: ${MAX_XML_DEPTH} elements deep is read, one more is refused`, () => {
    expect(readXml(nested(MAX_XML_DEPTH)).ok).toBe(true);
    expect(readXml(nested(MAX_XML_DEPTH + 1))).toEqual({ ok: false, error: `the XML is nested deeper than ${MAX_XML_DEPTH} elements` });
    expect(readXml(nested(100_000)).ok).toBe(false);
  });

  it.each([
    [
      'an entity of its own (billion laughs)',
      '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><r>&b;</r>',
      /DOCTYPE or ENTITY/,
    ],
    ['an external entity', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', /DOCTYPE or ENTITY/],
    ['an unclosed element', '<request><a></request>', /not well-formed XML: .*line 1/],
    ['not XML at all', '{"orderNo":"A"}', /not well-formed XML/],
    ['nothing', '', /not well-formed XML/],
    ['two roots', '<request/><request/>', /not well-formed XML|one root element expected/],
  ])('%s is refused, saying why', (_what, xml, why) => {
    const read = readXml(xml);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatch(why);
  });
});
