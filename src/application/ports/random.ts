/**
 * Randomness, from outside the domain, as the clock is: the jitter of a retry
 * (docs/architecture.md#retries) is drawn here by the application and sent with the command that
 * records the failure, so the decider stays pure and the event it writes replays the same.
 * Production draws at random; tests fix or seed it.
 */
export interface Random {
  /** a fraction from 0 up to, not including, 1 */
  fraction(): number;
}
