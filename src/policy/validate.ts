/**
 * Validation of the acknowledgements file against schema/acknowledgements.schema.json, with the
 * validator precompiled (./validators.generated.ts). Kept apart from ./acknowledgements.ts so that
 * importing the policy does not load the validator.
 */
import {
  describeSchemaError,
  jsonPath,
  pointerKeys,
  type SchemaError,
  validators,
} from "../core/validator.js";
import { unknownRuleIdHint } from "../rule-ids.js";
import { type AcknowledgementsFile, expiryInstant } from "./acknowledgements.js";
import * as generated from "./validators.generated.js";

const { acknowledgements: validateSchema } = validators(generated, "acknowledgements");

/**
 * Validates parsed JSON as an acknowledgements file. Returns the file or one
 * line per problem (prefixed by `source`, the file name for messages).
 */
export function parseAcknowledgements(
  data: unknown,
  source: string,
): { file: AcknowledgementsFile; errors: [] } | { file?: undefined; errors: string[] } {
  if (!validateSchema(data)) {
    const errors = (validateSchema.errors ?? []).map((e) => `${source}: ${describeAckError(e)}`);
    return { errors };
  }
  const file = data as AcknowledgementsFile;
  const errors: string[] = [];
  // Beyond the schema, whose patterns accept 2026-02-30: each date is a real day.
  file.acknowledgements.forEach((ack, i) => {
    for (const key of ["acceptedAt", "expires"] as const) {
      const value = ack[key];
      if (value !== undefined && Number.isNaN(expiryInstant(value))) {
        errors.push(
          `${source}: $.acknowledgements[${i}].${key}: ${JSON.stringify(value)} is not a real date`,
        );
      }
    }
  });
  return errors.length > 0 ? { errors } : { file, errors: [] };
}

/**
 * One schema error as `$.acknowledgements[0].key: what is wrong and what to do`: the entries are
 * written by `lock --accept-breaking`, so a broken one says what that command writes there.
 */
function describeAckError(e: SchemaError): string {
  const keys = pointerKeys(e.instancePath);
  const key = keys.length === 3 && keys[0] === "acknowledgements" ? keys[2] : undefined;
  const at = jsonPath(keys);
  // An unknown rule id names the id and the closest real one, not ajv's "allowed values".
  if (key === "rule" && e.keyword === "enum")
    return `${at}: ${JSON.stringify(e.data)}: ${unknownRuleIdHint(String(e.data))}`;
  if (key === "fingerprint" && e.keyword === "pattern")
    return `${at}: ${JSON.stringify(e.data)} is not a fingerprint (16 hex digits, as every report prints them); copy it from the report, or let \`mcp-contract lock --accept-breaking "<reason>"\` record it`;
  if (key === "reason" && (e.keyword === "pattern" || e.keyword === "minLength"))
    return `${at}: is blank; say why the change is accepted`;
  if ((key === "acceptedAt" || key === "expires") && e.keyword === "pattern")
    return `${at}: ${JSON.stringify(e.data)} is not a date (YYYY-MM-DD)`;
  return describeSchemaError(e);
}
