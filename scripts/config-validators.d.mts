/** Path of the generated validators module. */
export declare const OUTPUT: string;
/** The generated module's text for the current schema/config.schema.json. */
export declare function generateConfigValidators(): string;
