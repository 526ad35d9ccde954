/**
 * Fetch progress on stderr. On a terminal: one status line, rewritten in
 * place, with how many servers are done and which are still running. Piped or
 * in CI: one plain line per server when it finishes. `--quiet`: nothing.
 */
import type { FetchProgressEvent } from "../fetch/options.js";
import { plural } from "../report/formats/shared.js";
import type { CommandIO } from "./io.js";

export interface Progress {
  onProgress?: (event: FetchProgressEvent) => void;
  /** Clears the live line, if any. */
  finish: () => void;
}

export function createProgress(io: CommandIO, total: number, quiet: boolean | undefined): Progress {
  if (quiet) return { finish: () => {} };
  const live = io.isTTY && !io.env.CI;
  const running = new Map<string, number>();
  let done = 0;
  let drawn = false;
  const draw = () => {
    const names = [...running.entries()].map(([name, tools]) =>
      tools > 0 ? `${name} (${plural(tools, "tool")})` : name,
    );
    io.stderr(`\r\x1b[Kfetching ${done}/${total}: ${names.join(", ")}`);
    drawn = true;
  };
  const clear = () => {
    if (drawn) io.stderr("\r\x1b[K");
    drawn = false;
  };
  return {
    onProgress(event) {
      switch (event.type) {
        case "start":
          running.set(event.server, 0);
          break;
        case "page":
          running.set(event.server, event.tools);
          break;
        case "done":
          running.delete(event.server);
          done++;
          if (live) clear();
          io.stderr(`fetched ${event.server}: ${plural(event.tools, "tool")}\n`);
          break;
        case "failed":
          // The failure itself is reported once, by the command, after the fetch.
          running.delete(event.server);
          done++;
          break;
      }
      if (live && running.size > 0) draw();
      else if (live) clear();
    },
    finish: clear,
  };
}
