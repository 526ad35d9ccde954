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
/** One JSON Schema dialect's meta-schema and the module of its precompiled validator. */
export interface MetaValidatorsEntry {
  /** What is compiled, for the generated module's header. */
  dialect: string;
  /** The generated module, relative to the repository root. */
  output: string;
  /** Export name → meta-schema id. */
  exports: Record<string, string>;
}
/** Every schema in schema/ and its generated validators. */
export declare const VALIDATORS: readonly ValidatorsEntry[];
/** The meta-schemas the fetch checks tool schemas against, precompiled. */
export declare const META_VALIDATORS: readonly MetaValidatorsEntry[];
/** Absolute path of an entry's generated module. */
export declare function outputPath(entry: { output: string }): string;
/** The generated module's text for the entry's current schema. */
export declare function generateValidators(entry: ValidatorsEntry): string;
/** The generated module's text for a meta-schema entry. */
export declare function generateMetaValidators(entry: MetaValidatorsEntry): string;
