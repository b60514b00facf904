/** Fresh unique ids (uuids) for events and requests. */
export interface Ids {
  newId(): string;
}
