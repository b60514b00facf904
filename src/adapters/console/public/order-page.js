// An order: its status, lines, shipments and backorders; the timeline of its events with what
// caused each (a warehouse's message one click away); and a slider that shows the order as it
// stood at any event ("as of"). Follows the order live while the slider is at now.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, query } from './api.js';
import { when } from './format.js';
import { html } from './html.js';
import { useLive } from './live.js';
import { OrderActions } from './order-actions.js';
import { Table } from './table.js';
import { useAction } from './use-action.js';

const lineColumns = [
  { title: 'SKU', cell: (line) => line.sku },
  { title: 'Batch', cell: (line) => line.batchNo ?? '' },
  { title: 'Ordered', cell: (line) => line.ordered },
  { title: 'Shipped', cell: (line) => line.shipped },
  { title: 'Backordered', cell: (line) => line.backordered },
  { title: 'Cancelled', cell: (line) => line.cancelled },
];

const shipmentColumns = [
  { title: 'Waybill', cell: (s) => s.waybillNo },
  { title: 'Carrier', cell: (s) => s.carrier },
  { title: 'Outbound', cell: (s) => s.outboundNo },
  { title: 'Warehouse', cell: (s) => s.warehouseCode },
  { title: 'Items', cell: (s) => s.items.map((i) => `${i.sku}×${i.quantity}`).join(', ') },
  { title: 'Shipped', cell: (s) => when(s.shippedAt) },
];

const Lines = ({ order }) =>
  html`<${Table} caption="Lines" columns=${lineColumns} rows=${order.lines} rowKey=${(line) => `${line.sku}/${line.batchNo ?? ''}`} />`;

const Shipments = ({ order }) =>
  order.shipments.length === 0
    ? html`<p>No shipment yet.</p>`
    : html`<${Table}
        caption="Shipments"
        columns=${shipmentColumns}
        rows=${order.shipments}
        rowKey=${(s) => `${s.carrier}/${s.waybillNo}`}
      />`;

const Summary = ({ order, consignee }) =>
  html`<dl class="summary">
    <dt>Status</dt>
    <dd><strong class="status">${order.status}</strong></dd>
    <dt>Warehouse</dt>
    <dd>${order.warehouseCode}</dd>
    <dt>WMS order</dt>
    <dd>${order.outboundNo ?? '—'}</dd>
    ${
      consignee &&
      html`<dt>Consignee</dt>
        <dd>${consignee.name} · ${[consignee.province, consignee.city, consignee.district, consignee.address].join(' ')}</dd>`
    }
    <dt>Placed</dt>
    <dd>${when(order.placedAt)}</dd>
    <dt>Push attempts</dt>
    <dd>${order.push.attempts}${order.push.lastError ? ` · last error: ${order.push.lastError}` : ''}</dd>
    ${
      order.manualIntervention &&
      html`<dt>Waits for a person</dt>
        <dd>${order.manualIntervention.reason}: ${order.manualIntervention.detail ?? ''}</dd>`
    }
    ${
      order.backorders.length > 0 &&
      html`<dt>Backorders</dt>
        <dd>
          ${order.backorders.map((b) => `${b.backorderNo} (${b.lines.map((l) => `${l.sku}×${l.quantity}`).join(', ')}${b.cancelled ? ', cancelled' : ''})`).join('; ')}
        </dd>`
    }
  </dl>`;

/** What caused an event: another event of this order, a warehouse's message, a request by a caller. */
const cause = (event, byId) => {
  const parent = byId.get(event.metadata.causationId);
  if (parent !== undefined && parent !== event) return `after ${parent.type}`;
  if (event.metadata.callback !== undefined) return `warehouse message to ${event.metadata.callback.endpoint}`;
  if (event.metadata.actor !== undefined) return `request by ${event.metadata.actor}`;
  return 'the hub';
};

const MessageDialog = ({ messageId, onClose }) => {
  const dialog = useRef(null);
  const [message, setMessage] = useState(null);
  useEffect(() => {
    dialog.current?.showModal();
    api(`/api/oms/warehouse-messages/${encodeURIComponent(messageId)}`).then(setMessage, (e) => setMessage({ error: e.message }));
  }, [messageId]);
  return html`<dialog ref=${dialog} aria-labelledby="message-title" onClose=${onClose}>
    <h2 id="message-title">Warehouse message ${messageId}</h2>
    <pre>${message === null ? 'Loading…' : JSON.stringify(message, null, 2)}</pre>
    <form method="dialog"><button>Close</button></form>
  </dialog>`;
};

const Timeline = ({ events, upTo }) => {
  const [messageId, setMessageId] = useState(null);
  const byId = new Map(events.map((e) => [e.id, e]));
  return html`<ol class="timeline" aria-label="Timeline">
      ${events.map(
        (event, i) =>
          html`<li class=${i > upTo ? 'later' : ''}>
            <time datetime=${event.metadata.recordedAt}>${when(event.metadata.recordedAt)}</time>
            <strong>${event.type}</strong> <span class="muted">${cause(event, byId)}</span>
            ${
              event.metadata.callback?.messageId &&
              html` <button type="button" class="link" onClick=${() => setMessageId(event.metadata.callback.messageId)}>
                Raw message
              </button>`
            }
            <details>
              <summary>Data</summary>
              <pre>${JSON.stringify({ data: event.data, metadata: event.metadata }, null, 2)}</pre>
            </details>
          </li>`,
      )}
    </ol>
    ${messageId && html`<${MessageDialog} messageId=${messageId} onClose=${() => setMessageId(null)} />`}`;
};

export const OrderPage = ({ me, orderNo }) => {
  const [order, setOrder] = useState(null);
  const [events, setEvents] = useState([]);
  const [problem, setProblem] = useState(null);
  // the slider: the index of the event the order is shown as of (null: now)
  const [asOf, setAsOf] = useState(null);
  const [past, setPast] = useState(null);
  const base = `/api/oms/orders/${encodeURIComponent(orderNo)}`;
  const load = () =>
    Promise.all([api(base), api(`${base}/events`)]).then(
      ([view, list]) => {
        setOrder(view);
        setEvents(list);
        setProblem(null);
      },
      (e) => setProblem(e instanceof ApiError && e.status === 404 ? `There is no order ${orderNo}.` : e.message),
    );
  const { run, busy, notice } = useAction(load);
  useEffect(() => {
    setOrder(null);
    setAsOf(null);
    void load();
  }, [orderNo]);
  useLive((event) => event.orderNo === orderNo, load, [orderNo]);
  useEffect(() => {
    if (asOf === null || events[asOf] === undefined) return setPast(null);
    api(`${base}${query({ at: events[asOf].metadata.recordedAt })}`).then(setPast, (e) => setProblem(e.message));
  }, [asOf, events]);
  const last = events.length - 1;
  const index = asOf ?? last;
  const shown = asOf === null ? order : past;
  return html`<h1 tabindex="-1">Order ${orderNo}</h1>
    ${notice} ${problem && html`<p role="alert" class="error">${problem}</p>`}
    ${
      order &&
      html`${
          me.roles.includes('operator') &&
          asOf === null &&
          html`<div class="toolbar">
            <${OrderActions}
              orderNo=${orderNo}
              waiting=${order.status === 'MANUAL_INTERVENTION'}
              closed=${order.closedAt !== null}
              run=${run}
              busy=${busy}
            />
          </div>`
        }
        <div class="as-of">
          <label for="as-of">As of</label>
          <input
            id="as-of"
            type="range"
            min="0"
            max=${last}
            step="1"
            value=${index}
            aria-valuetext=${events[index] ? `${when(events[index].metadata.recordedAt)}, ${events[index].type}` : ''}
            onInput=${(e) => {
              const i = Number(e.currentTarget.value);
              setAsOf(i === last ? null : i);
            }}
          />
          <output for="as-of">${asOf === null ? 'now' : `${when(events[index].metadata.recordedAt)} (after ${events[index].type})`}</output>
        </div>
        ${shown === null ? html`<p class="loading">Loading…</p>` : html`<${Summary} order=${shown} consignee=${events[0]?.data.consignee} /><${Lines} order=${shown} /><${Shipments} order=${shown} />`}
        <h2>Timeline</h2>
        <${Timeline} events=${events} upTo=${index} />`
    }`;
};
