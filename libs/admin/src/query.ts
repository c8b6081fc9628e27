import { BadRequestException } from '@nestjs/common';

/**
 * One query parameter as one string. Express turns `?kind=a&kind=b` into an array and `?kind[x]=1` into an object;
 * both are a client's mistake (400 with the parameter's name), never something to pass on.
 */
export function single(name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new BadRequestException(`query parameter "${name}" must be given once, as a plain value`);
}

/** A client's string in a message: a bounded prefix, JSON-quoted. */
export function quote(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
