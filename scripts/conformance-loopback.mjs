/**
 * Preloaded (`node --import`) into the conformance suite and into the
 * mcp-contract it runs, so a conformance run stays on this machine:
 *
 * - a server that listens without naming a host (the suite's `app.listen(0)`,
 *   which would bind every interface) listens on 127.0.0.1 instead;
 * - a connection to anything but loopback fails at once, naming the host, so a
 *   run that tried to reach the internet fails instead of quietly using it.
 */
import dns from "node:dns";
import net from "node:net";

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  let inject = false;
  if (first !== null && typeof first === "object" && !("path" in first) && !("handle" in first)) {
    if (first.host === undefined) {
      args[0] = { ...first, host: "127.0.0.1" };
      inject = true;
    }
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof second !== "string") {
      args.splice(1, 0, "127.0.0.1");
      inject = true;
    }
  }
  if (!inject) return listen.apply(this, args);
  // Callers that pass no host may read address() right after listen() (the suite's
  // `app.listen(0).address().port` does): without a host Node binds synchronously, with
  // one it resolves the host through dns.lookup first. Answer that lookup at once, so
  // the bind stays synchronous.
  const lookup = dns.lookup;
  dns.lookup = (hostname, options, callback) => {
    if (hostname !== "127.0.0.1") return lookup(hostname, options, callback);
    const done = typeof options === "function" ? options : callback;
    if (typeof options === "object" && options?.all) done(null, [{ address: hostname, family: 4 }]);
    else done(null, hostname, 4);
  };
  try {
    return listen.apply(this, args);
  } finally {
    dns.lookup = lookup;
  }
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectToLoopbackOnly(...args) {
  const [first, second] = args;
  const options = Array.isArray(first) ? first[0] : first;
  let host;
  if (options !== null && typeof options === "object") {
    if (options.path === undefined) host = options.host ?? "localhost";
  } else if (typeof options === "number" || (typeof options === "string" && /^\d+$/.test(options))) {
    host = typeof second === "string" ? second : "localhost";
  }
  if (host !== undefined && !LOOPBACK.test(host)) {
    const error = new Error(`conformance run: refused a connection to ${host} (only loopback is allowed)`);
    error.code = "ECONNREFUSED";
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};
