import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';

/** Bearer-token check for /api routes (health and metrics stay open for probes and scrapers). */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.view.token;
    if (!expected) return true;
    const req = context.switchToHttp().getRequest<{ url: string; headers: Record<string, string | undefined> }>();
    if (!req.url.startsWith('/api/') || req.url.startsWith('/api/docs')) return true;
    const got = /^Bearer (.+)$/.exec(req.headers['authorization'] ?? '')?.[1] ?? '';
    const a = Buffer.from(got);
    const b = Buffer.from(expected);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
    throw new UnauthorizedException('missing or invalid bearer token: send "Authorization: Bearer <token>" (the token is GATEHOUSE_ADMIN_TOKEN or the --admin-token-file contents)');
  }
}
