/**
 * Validation of the acknowledgements file against its JSON Schema. Kept apart
 * from ./acknowledgements.ts so that importing the policy does not load ajv.
 */
import { Ajv } from "ajv";
import { RULE_IDS, unknownRuleIdHint } from "../rule-ids.js";
import { ACKNOWLEDGEMENTS_VERSION, type AcknowledgementsFile, expiryInstant } from "./acknowledgements.js";

const DATE = "^\\d{4}-\\d{2}-\\d{2}$";
const DATE_OR_DATE_TIME = "^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$";

/** JSON Schema of the acknowledgements file (checked in as schema/acknowledgements.schema.json; a test keeps them equal). */
export const ACKNOWLEDGEMENTS_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://mcp-contract.dev/schema/acknowledgements.schema.json",
  title: "mcp-contract acknowledgements",
  description: "Breaking changes a person accepted, matched by fingerprint.",
  type: "object",
  additionalProperties: false,
  required: ["version", "acknowledgements"],
  properties: {
    $schema: { type: "string" },
    version: { const: ACKNOWLEDGEMENTS_VERSION },
    acknowledgements: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["fingerprint", "rule", "server", "pointer", "reason", "acceptedBy", "acceptedAt"],
        properties: {
          fingerprint: { type: "string", pattern: "^[0-9a-f]{16}$" },
          rule: { type: "string", enum: RULE_IDS },
          server: { type: "string" },
          tool: { type: "string" },
          pointer: { type: "string" },
          message: { type: "string" },
          reason: { type: "string", minLength: 1, pattern: "\\S" },
          acceptedBy: { type: "string", minLength: 1 },
          acceptedAt: { type: "string", pattern: DATE },
          expires: { type: "string", pattern: DATE_OR_DATE_TIME },
        },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv["compile"]> | undefined;

/**
 * Validates parsed JSON as an acknowledgements file. Returns the file or one
 * line per problem (prefixed by `source`, the file name for messages).
 */
export function parseAcknowledgements(
  data: unknown,
  source: string,
): { file: AcknowledgementsFile; errors: [] } | { file?: undefined; errors: string[] } {
  validator ??= new Ajv({ allErrors: true, strict: true, verbose: true }).compile(ACKNOWLEDGEMENTS_SCHEMA);
  if (!validator(data)) {
    const errors = (validator.errors ?? []).map((e) => {
      // An unknown rule id names the id and the closest real one, not ajv's "allowed values".
      if (e.keyword === "enum" && /^\/acknowledgements\/\d+\/rule$/.test(e.instancePath))
        return `${source}: ${e.instancePath} ${JSON.stringify(e.data)}: ${unknownRuleIdHint(String(e.data))}`;
      return `${source}: ${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`;
    });
    return { errors };
  }
  const file = data as AcknowledgementsFile;
  const errors: string[] = [];
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
