import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';

@Controller()
export class HealthController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: configuration translated and xDS serving. */
  @Get('readyz')
  readyz() {
    if (!this.view.ready()) throw new HttpException({ status: 'not ready', message: this.view.readiness() }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ready' };
  }
}
