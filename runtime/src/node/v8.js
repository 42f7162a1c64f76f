// node:v8 — what packages read at startup: heap statistics (the isolate's engine heap), the
// startup-snapshot hooks (never building one here), and the flags setter (no effect). The
// serializer and heap snapshots belong to V8 and are not available.

import { unavailableOnEdge } from "edge:bootstrap";

function getHeapStatistics() {
  const used = globalThis.process?.memoryUsage?.().heapUsed ?? 0;
  return {
    total_heap_size: used,
    total_heap_size_executable: 0,
    total_physical_size: used,
    total_available_size: 0,
    used_heap_size: used,
    heap_size_limit: 0,
    malloced_memory: 0,
    peak_malloced_memory: 0,
    does_zap_garbage: 0,
    number_of_native_contexts: 1,
    number_of_detached_contexts: 0,
    total_global_handles_size: 0,
    used_global_handles_size: 0,
    external_memory: 0,
  };
}

const startupSnapshot = Object.freeze({
  isBuildingSnapshot: () => false,
  addSerializeCallback() {},
  addDeserializeCallback() {},
  setDeserializeMainFunction: unavailableOnEdge("v8.startupSnapshot", "setDeserializeMainFunction", "startup snapshots"),
});

const getHeapSpaceStatistics = () => [];
const getHeapCodeStatistics = () => ({ code_and_metadata_size: 0, bytecode_and_metadata_size: 0, external_script_source_size: 0, cpu_profiler_metadata_size: 0 });
const cachedDataVersionTag = () => 0;
function setFlagsFromString() {}
const getHeapSnapshot = unavailableOnEdge("v8", "getHeapSnapshot", "V8 heap to snapshot");
const writeHeapSnapshot = unavailableOnEdge("v8", "writeHeapSnapshot", "V8 heap to snapshot");
const serialize = unavailableOnEdge("v8", "serialize", "V8 serializer");
const deserialize = unavailableOnEdge("v8", "deserialize", "V8 serializer");

export default {
  getHeapStatistics,
  getHeapSpaceStatistics,
  getHeapCodeStatistics,
  cachedDataVersionTag,
  setFlagsFromString,
  getHeapSnapshot,
  writeHeapSnapshot,
  serialize,
  deserialize,
  startupSnapshot,
};
export {
  getHeapStatistics,
  getHeapSpaceStatistics,
  getHeapCodeStatistics,
  cachedDataVersionTag,
  setFlagsFromString,
  getHeapSnapshot,
  writeHeapSnapshot,
  serialize,
  deserialize,
  startupSnapshot,
};
