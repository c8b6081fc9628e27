import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, SetMetadata, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';

const PUBLIC = 'gatehouse:public';

/** Marks a controller or handler that answers without a token (probes and scrapers): the exception, by route. */
export const Public = () => SetMetadata(PUBLIC, true);

/**
 * Bearer-token check on every route unless its handler or controller is marked @Public(). The decision follows the
 * route Nest matched, never the request's path string, so case, encodings and extra slashes cannot get around it.
 */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    @Inject(ADMIN_VIEW) private readonly view: AdminView,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.view.token;
    if (!expected) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = req.headers['authorization'];
    const got = (typeof header === 'string' ? /^Bearer (.+)$/i.exec(header)?.[1] : undefined) ?? '';
    const a = Buffer.from(got);
    const b = Buffer.from(expected);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
    throw new UnauthorizedException(
      'missing or invalid bearer token: send "Authorization: Bearer <token>" (the token is GATEHOUSE_ADMIN_TOKEN or the --admin-token-file contents)',
    );
  }
}
