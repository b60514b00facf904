// Mutation testing only (vitest.mutation.config.ts): one fixed fast-check seed, so that each
// property test keeps its name ("… (with seed=N)") from run to run. Stryker finds a mutant's
// covering tests by name; with a fresh seed per run the properties would never run against a
// mutant. `npm test` keeps a random seed per run. FC_SEED overrides the default.
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(process.env.FC_SEED ?? 20260101) });
