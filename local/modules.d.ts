// s3rver ships no types; the twin uses only its constructor, run() and close() (see services.ts).
declare module 's3rver';
// Its account registry: the twin registers its own key pair so s3rver accepts the handlers' signatures.
declare module 's3rver/lib/models/account.js';
// pbac ships no types: the twin's IAM evaluation uses its constructor, evaluate() and its operator table.
declare module 'pbac';
declare module 'pbac/conditions.js';
