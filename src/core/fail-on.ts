/** `--fail-on` levels, apart from the policy so building the CLI program loads nothing else. */

/** The lowest severity that fails the run; `never` reports without failing. */
export const FAIL_ON_LEVELS = ["breaking", "warning", "info", "never"] as const;
/** `--fail-on` value; default `breaking`. */
export type FailOn = (typeof FAIL_ON_LEVELS)[number];
