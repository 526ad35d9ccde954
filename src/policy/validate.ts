/**
 * Validation of the acknowledgements file against schema/acknowledgements.schema.json, with the
 * validator precompiled (./validators.generated.ts). Kept apart from ./acknowledgements.ts so that
 * importing the policy does not load the validator.
 */
import { validators } from "../core/validator.js";
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
    const errors = (validateSchema.errors ?? []).map((e) => {
      // An unknown rule id names the id and the closest real one, not ajv's "allowed values".
      if (e.keyword === "enum" && /^\/acknowledgements\/\d+\/rule$/.test(e.instancePath))
        return `${source}: ${e.instancePath} ${JSON.stringify(e.data)}: ${unknownRuleIdHint(String(e.data))}`;
      return `${source}: ${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`;
    });
    return { errors };
  }
  const file = data as AcknowledgementsFile;
  const errors: string[] = [];
  // Beyond the schema, whose patterns accept 2026-02-30: each date is a real day.
  file.acknowledgements.forEach((ack, i) => {
    for (const key of ["acceptedAt", "expires"] as const) {
      const value = ack[key];
      if (value !== undefined && Number.isNaN(expiryInstant(value))) {
        errors.push(`${source}: /acknowledgements/${i}/${key} is not a real date: ${value}`);
      }
    }
  });
  return errors.length > 0 ? { errors } : { file, errors: [] };
}
