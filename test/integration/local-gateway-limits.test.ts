/**
 * Lambda's 6 MB limit on a synchronous response, on the twin's API Gateway: Lambda refuses a response over
 * 6,291,556 bytes ("Response payload size exceeded maximum allowed payload size", Function.ResponseSizeTooLarge)
 * and the HTTP API answers 500 Internal Server Error, so a route that would pass it on AWS fails on the twin
 * too, never silently succeeds.
 */
import { describe, expect, it } from 'vitest';
import { LAMBDA_MAX_RESPONSE_BYTES, startGateway } from '../../local/api/gateway';

describe("the twin's gateway and Lambda's response limit", () => {
  it('answers 500 for a response over 6 MB and reports the invocation error; one at the limit goes through', async () => {
    // Prepare: a handler whose JSON response is `size` bytes once serialized, as the Lambda runtime sends it.
    let size = 0;
    const response = () => {
      const envelope = JSON.stringify({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '' });
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: 'x'.repeat(size - envelope.length) };
    };
    const errors: unknown[] = [];
    const gateway = await startGateway({
      routes: [{ routeKey: 'GET /big', auth: null, functionName: 'Big', timeoutMs: 10_000, invoke: async () => response() }],
      onInvocationError: (_route, error) => errors.push(error),
    });
    try {
      // Act
      size = LAMBDA_MAX_RESPONSE_BYTES + 1;
      const over = await fetch(`${gateway.url}/big`);
      const overBody = await over.json();
      size = LAMBDA_MAX_RESPONSE_BYTES;
      const at = await fetch(`${gateway.url}/big`);

      // Assess
      expect([over.status, overBody]).toEqual([500, { message: 'Internal Server Error' }]);
      expect(String((errors[0] as Error).message)).toBe(`Response payload size exceeded maximum allowed payload size (${LAMBDA_MAX_RESPONSE_BYTES} bytes).`);
      expect((errors[0] as Error).name).toBe('Function.ResponseSizeTooLarge');
      expect(at.status).toBe(200);
      expect((await at.text()).length).toBe(LAMBDA_MAX_RESPONSE_BYTES - JSON.stringify({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '' }).length);
      expect(errors).toHaveLength(1);
    } finally {
      await gateway.close();
    }
  });
});
