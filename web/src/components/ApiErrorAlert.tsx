import { Alert } from 'antd';
import { ApiFailure } from '../api/client';

/** An API error as the API words it, with each problem next to the field it names. */
export function ApiErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : undefined;
  const problems = failure?.body?.error.problems ?? [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={title ?? (error as Error).message}
      description={
        problems.length > 0 || title ? (
          <>
            {title && <div>{(error as Error).message}</div>}
            {problems.length > 0 && (
              <ul>
                {problems.map((p) => (
                  <li key={`${p.path}:${p.rule}`}>
                    {p.path && <code>{p.path}</code>} {p.message}
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : undefined
      }
    />
  );
}
