/**
 * Tells in-process subscribers that an append committed, so that they read again instead of
 * polling. `next()` hands out one shared promise per round; `notify()` settles it and starts the next.
 */
export class AppendSignal {
  private settle: () => void = () => undefined;
  private round = this.newRound();

  next(): Promise<void> {
    return this.round;
  }

  notify(): void {
    this.settle();
    this.round = this.newRound();
  }

  private newRound(): Promise<void> {
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }
}
