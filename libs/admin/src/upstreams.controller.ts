import { Controller, Get, Inject, NotFoundException, Optional } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

/** Provided by the control plane's discovery module (a string token: this library does not depend on it). */
export const UPSTREAMS_VIEW = 'gatehouse.upstreams-view';

export interface UpstreamsView {
  upstreams(): { items: unknown[]; discoverers: unknown[] };
}

@ApiTags('upstreams')
@ApiBearerAuth()
@Controller('api/v1/upstreams')
export class UpstreamsController {
  constructor(@Optional() @Inject(UPSTREAMS_VIEW) private readonly view?: UpstreamsView) {}

  @Get()
  @ApiOperation({
    summary: 'Every Upstream with its functions and discovery status, and every discoverer',
    description:
      'items: namespace, name, type (static, kube, aws), discoveredBy, functions, discovery (per discoverer: state, lastRun, functions, error with its code and line), state and messages; discoverers: enabled, settings, last run, upstreams and functions found.',
  })
  list() {
    if (!this.view) throw new NotFoundException('discovery is not part of this control plane');
    return this.view.upstreams();
  }
}
