/** The solver's public API: pure, synchronous, deterministic by seed. */
export { solve, type SolveOptions, type SolveProgress, type StoppingRule } from './solve';
export type * from './model/vroom';
export { validateProblem, type ValidationIssue, type ValidationCode } from './validate';
export { checkSolution, type CheckResult, type CheckIssue, type CheckIssueCode } from './check';
export { FormatError } from './format/format-error';
export { parseSolomon, type SolomonInstance, type SolomonNode } from './format/solomon';
export { formatSolution, parseJson, parseVroomProblem, parseVroomSolution, toVroomProblem } from './format/vroom';
