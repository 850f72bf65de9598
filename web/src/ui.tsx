/** The console's few building blocks: a polled resource, labelled fields with the API's message, tables. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiFailure, fieldKey, get, type ApiError } from './api';
import { pollMs } from './auth';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  reload: () => Promise<void>;
}

/**
 * Reads `path` (nothing while it is undefined) and, with `poll`, reads it again every CONSOLE_POLL_MS while the
 * page is visible, so changes in flight (operations, webhooks, pipeline steps, lead deliveries) show without a
 * reload (decision 1000).
 */
export function useResource<T>(path: string | undefined, poll = false): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const current = useRef(path);
  current.current = path;
  const reload = useCallback(async () => {
    if (!path) return;
    try {
      const body = await get<T>(path);
      if (current.current === path) {
        setData(body);
        setError(undefined);
      }
    } catch (e) {
      if (current.current === path) setError(e instanceof ApiFailure ? e.error : { status: 0, message: String(e), fields: {} });
    }
  }, [path]);
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    // The next read is planned only once this one has answered: on a slow host, reads never pile up behind each
    // other (an interval would start one every CONSOLE_POLL_MS whether or not the last one came back).
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (first: boolean) => {
      if (first || !document.hidden) await reload();
      if (!stopped && poll && path) timer = setTimeout(() => void tick(false), pollMs());
    };
    void tick(true);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [path, poll, reload]);
  return { data, error, reload };
}

/** Runs an action, keeping its error (with per-field messages) for the form to show. */
export function useAction() {
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action();
    } catch (e) {
      setError(e instanceof ApiFailure ? e.error : { status: 0, message: e instanceof Error ? e.message : String(e), fields: {} });
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { error, busy, run, setError };
}

export function ErrorNote({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error.message}
      {error.code ? <span class="code"> ({error.code})</span> : null}
    </p>
  );
}

interface InputProps {
  type?: 'text' | 'email' | 'date';
  required?: boolean;
  inputMode?: 'numeric' | 'text';
  placeholder?: string;
}

/** A labelled input; `path` names the API field whose message (from `error`) is shown under it. */
export function Field(props: { label: string; path: string; value: string; onInput: (v: string) => void; error?: ApiError | undefined; hint?: string; wide?: boolean } & InputProps) {
  const { label, path, value, onInput, error, hint, wide, type = 'text', ...rest } = props;
  const id = useId();
  const message = error?.fields[fieldKey(path)];
  const described = [message ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={wide ? 'field wide' : 'field'}>
      <label for={id}>{label}</label>
      <input
        // Preact 11 types each input type apart (tsc needs the narrowing); the three used here share their attributes.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
        type={type as 'text'}
        id={id}
        name={path}
        value={value}
        onInput={(e) => onInput((e.target as HTMLInputElement).value)}
        aria-invalid={message ? 'true' : undefined}
        aria-describedby={described}
        {...rest}
      />
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
      {message ? (
        <span class="field-error" id={`${id}-error`}>
          {message}
        </span>
      ) : null}
    </div>
  );
}

export interface Column<R> {
  label: string;
  cell: (row: R) => ComponentChildren;
}

/** One text column per key, labelled with the key. */
export function textColumns(keys: string[]): Column<Record<string, unknown>>[] {
  return keys.map((k) => ({ label: k, cell: (r) => str(r[k]) }));
}

export function Table<R>({ rows, columns, caption, empty }: { rows: R[]; columns: Column<R>[]; caption: string; empty?: string }) {
  if (rows.length === 0) return <p class="empty">{empty ?? 'Nothing yet.'}</p>;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c.label}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            {columns.map((c) => (
              <td key={c.label}>{c.cell(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
