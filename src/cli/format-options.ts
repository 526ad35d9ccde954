/**
 * `--format` / `--output` parsing, apart from the reporters so building the
 * commander program loads none of them.
 */
import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import { FORMATS, type Format } from "../report/formats.js";

/** One `--format NAME` and the `--output FILE` that followed it, if any. */
export interface FormatSpec {
  format: Format;
  output?: string;
}

/**
 * Commander parser for a repeatable `--format`: each occurrence adds a spec.
 * Parsers run in command-line order, so `--output` can attach to the last one.
 */
export function collectFormat(value: string, previous: FormatSpec[] | undefined): FormatSpec[] {
  if (!(FORMATS as string[]).includes(value)) {
    throw new InvalidArgumentError(`Allowed choices are ${FORMATS.join(", ")}.`);
  }
  return [...(previous ?? []), { format: value as Format }];
}

/**
 * `--output FILE`: the destination of the `--format` before it (of the default text report if none).
 * Two formats never share a file (`cwd` resolves the paths): the second would replace the first.
 */
export function attachOutput(specs: FormatSpec[], output: string, cwd: string): FormatSpec[] {
  const list = specs.length > 0 ? specs : [{ format: "text" as Format }];
  const last = list[list.length - 1]!;
  if (last.output !== undefined) {
    throw new InvalidArgumentError(
      `--output ${output}: the --format before it already has --output ${last.output}`,
    );
  }
  const taken = list.find((s) => s.output !== undefined && resolve(cwd, s.output) === resolve(cwd, output));
  if (taken) {
    throw new InvalidArgumentError(
      `--output ${output}: --format ${taken.format} already writes there; give each format its own file`,
    );
  }
  return [...list.slice(0, -1), { ...last, output }];
}
