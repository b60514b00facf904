// The console's only way to the hub: the REST API, with the signed-in person's key as X-Api-Key.
const KEY = 'fulfilment-hub.key';

/** The key the person signed in with (kept for this browser tab only). */
export const session = {
  get key() {
    return sessionStorage.getItem(KEY) ?? '';
  },
  set key(value) {
    if (value === '') sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, value);
  },
};

export const headers = (extra = {}) => (session.key === '' ? extra : { ...extra, 'X-Api-Key': session.key });

/** An answer that was not a success: its HTTP status, the hub's message and the fields it named. */
export class ApiError extends Error {
  constructor(status, message, errors) {
    super(message);
    this.status = status;
    this.errors = errors ?? [];
  }

  /** The message with each field the hub named, as a person reads it. */
  get explained() {
    return [this.message, ...this.errors.map((e) => `${e.path}: ${e.message}`)].join('; ');
  }
}

/** Calls the hub: the answer's `data`, or an ApiError. */
export const api = async (path, { method = 'GET', body } = {}) => {
  const response = await fetch(path, {
    method,
    headers: headers(
      body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
    ),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer?.message ?? response.statusText, answer?.data?.errors);
  return answer.data;
};

/** A query string of the values that are set. */
export const query = (values) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values))
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
};
