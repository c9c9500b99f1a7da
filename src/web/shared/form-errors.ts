import type { FormInstance } from 'antd';
import { ApiError, errorMessage } from './api';

const toPath = (field: string) => field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));

/**
 * Puts the server's field problems (details.issues[] = {field, message}) on
 * the form's fields. Returns a message for what could not be placed on a
 * field, or null when every problem landed on a field.
 * `fieldMap` renames server fields to form fields (e.g. monthlyIncomeFen → incomeYuan).
 */
export function applyServerErrors(form: FormInstance, e: unknown, fieldMap: Record<string, string> = {}): string | null {
  if (!(e instanceof ApiError)) return errorMessage(e);
  const registered = new Set(Object.keys(form.getFieldsValue() ?? {}));
  const placed = new Map<string, string[]>();
  const rest: string[] = [];
  for (const issue of e.issues) {
    const name = fieldMap[issue.field] ?? issue.field;
    if (name && registered.has(String(toPath(name)[0]))) placed.set(name, [...(placed.get(name) ?? []), issue.message]);
    else rest.push(issue.message);
  }
  if (placed.size === 0) return e.message;
  form.setFields([...placed].map(([name, errors]) => ({ name: toPath(name), errors })));
  form.scrollToField(toPath([...placed.keys()][0]));
  return rest.length ? rest.join('；') : null;
}
