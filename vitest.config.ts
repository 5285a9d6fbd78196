import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'web/e2e/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Integration and workflow suites start real local stand-ins (DynamoDB Local is a JVM): give them room.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    env: {
      // Quiet output: handler logs are asserted through return values and errors, not read.
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    maxWorkers: 2,
  },
});
