import { ERROR_CODES, type ErrorCode } from '../../contracts/errors';

/** The one application error: a stable code, an optional user message and details. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly userMessage?: string,
    readonly details?: unknown,
  ) {
    super(userMessage ?? ERROR_CODES[code].message);
    this.status = ERROR_CODES[code].status;
  }
}

export const notFound = () => new AppError('NOT_FOUND');
export const forbidden = () => new AppError('FORBIDDEN');
export const conflict = () => new AppError('CONFLICT');
export const validation = (message: string, details?: unknown) => new AppError('VALIDATION_FAILED', message, details);
