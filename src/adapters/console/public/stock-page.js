// Stock per warehouse and SKU: on hand, reserved, available, defective, the batches with their
// expiry when the ledger knows them, and the latest variance against the warehouse's own figures.
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { when } from './format.js';
import { html } from './html.js';
import { useLive } from './live.js';
import { Table } from './table.js';

const varianceKey = (row) => `${row.warehouseCode}/${row.sku}`;

const Batches = ({ batches }) =>
  batches === undefined || batches.length === 0
    ? ''
    : html`<ul class="batches">
        ${batches.map(
          (b) =>
            html`<li>
              ${b.batchNo ?? 'no batch'}: ${b.available} available of
              ${b.onHand}${b.expiryDate ? `, expires ${b.expiryDate}` : ''}${b.defective > 0 ? `, ${b.defective} defective` : ''}
            </li>`,
        )}
      </ul>`;

const Variance = ({ variance }) =>
  variance === undefined
    ? html`<span class="muted">none</span>`
    : html`<span class=${variance.difference === 0 ? '' : 'warn'}>${variance.difference > 0 ? '+' : ''}${variance.difference}</span>
        <span class="muted"
          >(hub ${variance.hubFigure}, warehouse ${variance.warehouseFigure}; ${variance.source}, ${when(variance.recordedAt)})</span
        >`;

const stockColumns = (variances) => [
  { title: 'Warehouse', cell: (r) => r.warehouseCode },
  { title: 'SKU', cell: (r) => r.sku },
  { title: 'On hand', cell: (r) => r.onHand },
  { title: 'Reserved', cell: (r) => r.reserved },
  { title: 'Available', cell: (r) => r.available },
  { title: 'Defective', cell: (r) => r.defective },
  { title: 'Batches', cell: (r) => html`<${Batches} batches=${r.batches} />` },
  { title: 'Last variance', cell: (r) => html`<${Variance} variance=${variances.get(varianceKey(r))} />` },
];

export const StockPage = ({ params }) => {
  const [warehouseCode, setWarehouseCode] = useState(params.get('warehouseCode') ?? '');
  const [rows, setRows] = useState(null);
  const [variances, setVariances] = useState(new Map());
  const [problem, setProblem] = useState(null);
  const load = () =>
    Promise.all([
      api(`/api/oms/stock${query({ warehouseCode: warehouseCode.trim() })}`),
      api(`/api/oms/reports/stock-variance${query({ warehouseCode: warehouseCode.trim(), limit: 500 })}`),
    ]).then(
      ([levels, variance]) => {
        setRows(levels);
        setVariances(new Map(variance.items.filter((v) => v.condition !== 'DEFECTIVE').map((v) => [varianceKey(v), v])));
        setProblem(null);
      },
      (e) => setProblem(e.explained ?? e.message),
    );
  useEffect(() => void load(), []);
  useLive((event) => event.stream.startsWith('stock-'), load, [warehouseCode]);
  return html`<h1 tabindex="-1">Stock</h1>
    <form
      class="filters"
      onSubmit=${(e) => {
        e.preventDefault();
        void load();
      }}
    >
      <label>Warehouse <input value=${warehouseCode} size="8" onInput=${(e) => setWarehouseCode(e.currentTarget.value)} /></label>
      <button type="submit">Show</button>
    </form>
    ${problem && html`<p role="alert" class="error">${problem}</p>`}
    ${
      rows === null
        ? html`<p class="loading">Loading…</p>`
        : html`<${Table} caption=${`${rows.length} SKUs`} columns=${stockColumns(variances)} rows=${rows} rowKey=${varianceKey} />`
    }`;
};
