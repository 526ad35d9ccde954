/** One schema and the module of validators generated from it. */
export interface ValidatorsEntry {
  /** The schema, relative to the repository root. */
  schema: string;
  /** The generated module, relative to the repository root. */
  output: string;
  /** ajv options the schema compiles with. */
  options: Record<string, unknown>;
  /** Export name → schema reference (`#` or `#/definitions/…`). */
  exports: Record<string, string>;
}
/** Every schema in schema/ and its generated validators. */
export declare const VALIDATORS: readonly ValidatorsEntry[];
/** Absolute path of an entry's generated module. */
export declare function outputPath(entry: ValidatorsEntry): string;
/** The generated module's text for the entry's current schema. */
export declare function generateValidators(entry: ValidatorsEntry): string;
