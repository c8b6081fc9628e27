import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ADMIN_VIEW, type AdminView } from './admin-view.js';
import { Public } from './token.guard.js';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(ADMIN_VIEW) private readonly view: AdminView) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: configuration translated and xDS serving. */
  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: configuration translated and xDS serving (503 with the reason before)' })
  readyz() {
    if (!this.view.ready()) throw new HttpException({ status: 'not ready', message: this.view.readiness() }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ready' };
  }
}
