/** The solver's public API: pure, synchronous, deterministic by seed. */
export { solve, type SolveOptions, type SolveProgress, type StoppingRule } from './solve';
export type * from './model/vroom';
