// s3rver ships no types; the twin uses only its constructor, run() and close() (see services.ts).
declare module 's3rver';
