/**
 * The Qimen signature: the worked example of the README (the standard's own algorithm, checked
 * against node:crypto and Python by hand) as golden values for the three sign methods, and
 * properties: any body and parameters verify under their own sign, and changing any byte of the
 * body, any parameter value, or the secret breaks it.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { qimenSign, qimenSignHolds, qimenSignMethods, signedParameters } from '../../../src/adapters/qimen/qimen-signature.ts';

const secret = 'qm-test-secret';
const parameters = {
  method: 'taobao.qimen.deliveryorder.confirm',
  timestamp: '2025-11-22 10:05:00',
  format: 'xml',
  app_key: '23456789',
  v: '2.0',
  sign_method: 'md5',
  customerId: 'C-HUB-001',
};
const body =
  '<?xml version="1.0" encoding="utf-8"?><request><deliveryOrder><deliveryOrderCode>OMS202511220001</deliveryOrderCode><warehouseCode>WH001</warehouseCode><orderType>JYCK</orderType></deliveryOrder></request>';

describe('the worked example', () => {
  it('signs the parameters sorted by name, name and value run together, sign and empty values left out', () => {
    expect(signedParameters({ ...parameters, sign: 'ANY', partner_id: '' })).toBe(
      'app_key23456789customerIdC-HUB-001formatxmlmethodtaobao.qimen.deliveryorder.confirmsign_methodmd5timestamp2025-11-22 10:05:00v2.0',
    );
  });

  it.each([
    ['md5', '115D5948CCA3DC759ED7038AF9A2CBBF'],
    ['hmac', '5080BF7B57F5F2BD4E6F3A1C2353F0DB'],
    ['hmac-sha256', 'A3AA0DDB15BB450C884162FF26C5E3D66FF1993FBC9BC42FFACC2FD112D96117'],
  ] as const)('%s: %s, which the check accepts (in either case) and refuses for another secret', (method, sign) => {
    // the same request with its sign_method saying which (the parameter is signed too)
    const asComputed = { ...parameters, sign_method: method };
    expect(qimenSign(method, secret, asComputed, body)).toBe(sign);
    expect(qimenSignHolds(method, secret, asComputed, body, sign)).toBe(true);
    expect(qimenSignHolds(method, secret, asComputed, Buffer.from(body), sign.toLowerCase())).toBe(true);
    expect(qimenSignHolds(method, 'another-secret', asComputed, body, sign)).toBe(false);
    expect(qimenSignHolds(method, secret, asComputed, body, sign.slice(1))).toBe(false);
  });
});

const parameterName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/).filter((name) => name !== 'sign');
const parametersArb = fc.dictionary(parameterName, fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }), {
  minKeys: 1,
  maxKeys: 8,
});
const bodyArb = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes));

describe('properties', () => {
  test.prop([
    fc.constantFrom(...qimenSignMethods),
    fc.string({ minLength: 1 }),
    parametersArb,
    bodyArb,
    fc.nat(),
    fc.integer({ min: 1, max: 255 }),
  ])('any request verifies under its own sign; flipping any byte of its body breaks it', (method, key, params, bytes, at, flip) => {
    const sign = qimenSign(method, key, params, bytes);
    expect(qimenSignHolds(method, key, params, bytes, sign)).toBe(true);
    const changed = Buffer.from(bytes);
    const index = at % changed.length;
    changed[index] = (changed[index] ?? 0) ^ flip;
    expect(qimenSignHolds(method, key, params, changed, sign)).toBe(false);
  });

  test.prop([
    fc.constantFrom(...qimenSignMethods),
    fc.string({ minLength: 1 }),
    parametersArb,
    bodyArb,
    fc.nat(),
    fc.string({ minLength: 1, maxLength: 5 }),
  ])('changing any parameter value breaks it', (method, key, params, bytes, pick, extra) => {
    const sign = qimenSign(method, key, params, bytes);
    const names = Object.keys(params);
    const name = names[pick % names.length] ?? '';
    expect(qimenSignHolds(method, key, { ...params, [name]: `${params[name] ?? ''}${extra}` }, bytes, sign)).toBe(false);
  });
});
