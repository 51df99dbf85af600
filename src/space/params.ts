/**
 * The plain values a space assigns. They live here, below trial/, because a space builds and
 * checks them; trial records store them and re-export these types.
 */

/** A parameter value as stored: flat name -> number | string | boolean. */
export type ParamValue = number | string | boolean;

/** Flat parameter assignment, keyed by the parameter's dotted name (see `Space.params`). */
export type FlatParams = Readonly<Record<string, ParamValue>>;
