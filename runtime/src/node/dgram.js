// node:dgram — importable, as many packages import it without calling it, but there is no
// UDP sockets on Edge: every function throws a clear error when called.

import { unavailableOnEdge } from "edge:bootstrap";

const unavailable = (name) => unavailableOnEdge("dgram", name, "UDP sockets");

export const createSocket = unavailable("createSocket");
export const Socket = unavailable("Socket");
export default { createSocket, Socket };
