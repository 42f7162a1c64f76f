// ES module view of the stand-in test/common (see index.js).
import { createRequire } from 'node:module';

const common = createRequire(import.meta.url)('./index.js');

export const {
  mustCall, mustCallAtLeast, mustNotCall, mustSucceed, mustNotMutateObjectDeep, expectsError,
  expectWarning, invalidArgTypeHelper, skip, printSkipMessage, getArrayBufferViews,
  getBufferSources, platformTimeout, allowGlobals, isWindows, isMacOS, isLinux, isAIX, isDebug,
  isMainThread, hasCrypto, hasOpenSSL3, hasIntl, hasIPv6, enoughTestMem, localhostIPv4, PORT,
  buildType, spawnPromisified,
} = common;
export default common;
