/** The time, from outside the domain. Tests drive a manual clock; production reads the system's. */
export interface Clock {
  /** now, as an ISO-8601 instant with offset */
  now(): string;
}
