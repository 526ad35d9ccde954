/**
 * Validates JUnit XML against fixtures/junit/ant-junit.xsd with libxml2
 * (xmllint-wasm, a dev dependency: nothing to install on the machine; if it is
 * missing the import fails and so does every test that uses it).
 */
import { readFileSync } from "node:fs";
import { validateXML } from "xmllint-wasm";

const SCHEMA = readFileSync(new URL("../../fixtures/junit/ant-junit.xsd", import.meta.url), "utf8");

/** The schema's complaints about `xml`, one line each; empty when it is valid. */
export async function junitSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: { fileName: "report.xml", contents: xml },
    schema: { fileName: "ant-junit.xsd", contents: SCHEMA },
  });
  const errors = result.errors.map((e) => e.rawMessage);
  // Never "valid" with complaints, nor invalid without one: either would hide a broken validator.
  if (result.valid !== (errors.length === 0))
    throw new Error(`xmllint disagrees with itself: ${result.rawOutput}`);
  return errors;
}
