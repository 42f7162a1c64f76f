// node:dgram — importable, as many packages import it without calling it, but there is no
// UDP sockets on Edge: every function throws a clear error when called.

function unavailable(name) {
  return function () {
    const err = new Error(`dgram.${name}() is not available on Edge: apps have no UDP sockets`);
    err.code = "ERR_NOT_AVAILABLE_ON_EDGE";
    throw err;
  };
}

export const createSocket = unavailable("createSocket");
export const Socket = unavailable("Socket");
export default { createSocket, Socket };
