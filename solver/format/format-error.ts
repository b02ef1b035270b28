/** Input text that cannot become a problem. The message names the place (line, field) and the reason. */
export class FormatError extends Error {
  constructor(
    message: string,
    /** Every problem found, one line each, when there are several (validation issues). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'FormatError';
  }
}
