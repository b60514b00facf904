// How times and ages read on the console: the browser's own zone and language.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const when = (iso) => (iso === null || iso === undefined ? '—' : dateTime.format(new Date(iso)));

/** 75 → "1 min", 7200 → "2 h". */
export const age = (seconds) => {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
};

export const secondsSince = (iso) => (Date.now() - Date.parse(iso)) / 1000;

export const orderLink = (orderNo) => `#/orders/${encodeURIComponent(orderNo)}`;
