/**
 * A request the domain will not grant, with a named reason (a stable code callers can branch on)
 * and a sentence a person can read. Facts are never refused, except for an aggregate that does
 * not exist.
 */
export class Refused extends Error {
  override readonly name = 'Refused';
  constructor(
    readonly reason: string,
    message: string,
    readonly details: readonly Readonly<{ path: string; message: string }>[] = [],
  ) {
    super(message);
  }
}

export const refuse = (reason: string, message: string, details: Refused['details'] = []): never => {
  throw new Refused(reason, message, details);
};
