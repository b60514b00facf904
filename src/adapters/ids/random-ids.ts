import { randomUUID } from 'node:crypto';
import type { Ids } from '../../application/ports/ids.ts';

/** Random (version 4) uuids from the platform's cryptographic generator. */
export class RandomIds implements Ids {
  newId(): string {
    return randomUUID();
  }
}
