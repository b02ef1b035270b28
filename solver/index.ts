/** The solver's public API: pure, synchronous, deterministic by seed. */
export { solve, solveOrReport, type SolveOptions, type SolveProgress, type StoppingRule } from './solve';
export type * from './model/vroom';
export { validateProblem, VROOM_KEYS, type ValidateOptions, type ValidationIssue, type ValidationCode } from './validate';
export { checkSolution, type CheckResult, type CheckIssue, type CheckIssueCode } from './check';
export { FormatError } from './format/format-error';
export { parseSolomon, type SolomonInstance, type SolomonNode } from './format/solomon';
export { formatSolution, normalizeVroomInput, parseJson, parseVroomProblem, parseVroomSolution, toVroomProblem, toVroomOutput } from './format/vroom';
export { vehicleStepsError } from './plan';
export { solutionScore } from './objective';
