/**
 * A valid string for each format JSON Schema validators check: what the witness search and
 * `accepts` try first for a string with a `format`. Looked up with own-property checks (a
 * format name comes from a server).
 */
export const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  email: "user@example.com",
  uri: "https://example.com/",
  url: "https://example.com/",
  "uri-reference": "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
  date: "2024-01-01",
  "date-time": "2024-01-01T00:00:00Z",
  time: "00:00:00Z",
  ipv4: "127.0.0.1",
  ipv6: "::1",
  hostname: "example.com",
};
