// Needs a person (the landing page): everything waiting for a human, oldest first: orders, inbound
// orders and hand-offs in manual intervention (the manual-intervention report), and the open alerts
// (warehouse messages that could not be applied, large stock variances, anomalies…), each with its
// actions in place. Refreshed by itself when events arrive.
import { useEffect, useState } from 'preact/hooks';
import { api, query } from './api.js';
import { age, orderLink, secondsSince } from './format.js';
import { html } from './html.js';
import { useLive } from './live.js';
import { OrderActions } from './order-actions.js';
import { useAction } from './use-action.js';
import { Table } from './table.js';

const PAGE = 500;

/** One list: the manual interventions, and the open alerts (those about the same subject join its row). */
const waiting = (manual, alerts) => {
  const bySubject = new Map(manual.map((item) => [item.subject, { ...item, alerts: [] }]));
  const rows = [...bySubject.values()];
  for (const alert of alerts) {
    const row = bySubject.get(alert.subject);
    if (row !== undefined) row.alerts.push(alert);
    else
      rows.push({
        subject: alert.subject,
        kind: 'alert',
        reference: alert.subject,
        reason: alert.kind,
        detail: alert.message,
        since: alert.raisedAt,
        attempts: null,
        lastError: null,
        alerts: [alert],
      });
  }
  return rows.sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
};

const subjectLink = (row) => {
  if (row.kind === 'order') return html`<a href=${orderLink(row.reference)}>${row.reference}</a>`;
  const order = /^order-(.+)$/.exec(row.subject);
  return order === null ? row.reference : html`<a href=${orderLink(order[1])}>${row.reference}</a>`;
};

/** `shipment-SF.SF123` → ['SF', 'SF123']. */
const shipmentOf = (subject) => {
  const match = /^shipment-([^.]+)\.(.+)$/.exec(subject);
  return match === null ? null : [match[1], match[2]];
};

const RowActions = ({ row, me, run, busy }) => {
  const acts = me.roles.includes('operator');
  if (!acts) return null;
  const acknowledge = row.alerts.map(
    (alert) =>
      html`<button
        type="button"
        disabled=${busy}
        onClick=${() => run(`Acknowledge alert ${alert.id}`, () => api(`/api/oms/alerts/${alert.id}/acknowledge`, { method: 'POST', body: { by: me.id } }))}
      >
        Acknowledge
      </button>`,
  );
  if (row.kind === 'order')
    return html`<${OrderActions} orderNo=${row.reference} waiting=${true} closed=${false} run=${run} busy=${busy} /> ${acknowledge}`;
  if (row.kind === 'inbound')
    return html`<button
        type="button"
        disabled=${busy}
        onClick=${() => run(`Retry ${row.reference}`, () => api(`/api/oms/inbound-orders/${encodeURIComponent(row.reference)}/retry-push`, { method: 'POST', body: {} }))}
      >
        Retry push
      </button>
      ${acknowledge}`;
  const shipment = row.kind === 'shipment' ? shipmentOf(row.subject) : null;
  if (shipment !== null)
    return html`<button
        type="button"
        disabled=${busy}
        onClick=${() => run(`Retry hand-off ${row.reference}`, () => api(`/api/oms/shipments/${shipment.map(encodeURIComponent).join('/')}/retry-handoff`, { method: 'POST', body: {} }))}
      >
        Retry hand-off
      </button>
      ${acknowledge}`;
  return acknowledge;
};

const queueColumns = (me, run, busy) => [
  {
    title: 'What',
    cell: (row) =>
      html`${row.kind} ${subjectLink(row)}${row.warehouseCode ? html` <span class="muted">at ${row.warehouseCode}</span>` : ''}`,
  },
  { title: 'Waiting for', cell: (row) => html`<span title=${row.since}>${age(row.ageSeconds ?? secondsSince(row.since))}</span>` },
  { title: 'Reason', cell: (row) => row.reason },
  { title: 'Attempts', cell: (row) => row.attempts ?? '' },
  { title: 'Detail', className: 'detail', cell: (row) => row.lastError ?? row.detail },
  { title: 'Actions', cell: (row) => html`<${RowActions} row=${row} me=${me} run=${run} busy=${busy} />` },
];

export const QueuePage = ({ me }) => {
  const [rows, setRows] = useState(null);
  const [problem, setProblem] = useState(null);
  const load = () =>
    Promise.all([
      api(`/api/oms/reports/manual-interventions${query({ limit: PAGE })}`),
      api(`/api/oms/alerts${query({ acknowledged: false, limit: PAGE })}`),
    ]).then(
      ([manual, alerts]) => {
        setRows(waiting(manual.items, alerts));
        setProblem(null);
      },
      (e) => setProblem(e.message),
    );
  const { run, busy, notice } = useAction(load);
  useEffect(() => void load(), []);
  useLive(() => true, load, []);
  return html`<h1 tabindex="-1">Needs a person</h1>
    ${notice} ${problem && html`<p role="alert" class="error">${problem}</p>`}
    ${
      rows === null
        ? html`<p class="loading">Loading…</p>`
        : rows.length === 0
          ? html`<p>Nothing waits for a person.</p>`
          : html`<${Table}
              caption=${`${rows.length} waiting, oldest first`}
              columns=${queueColumns(me, run, busy)}
              rows=${rows}
              rowKey=${(row) => row.subject + row.since}
            />`
    }`;
};
