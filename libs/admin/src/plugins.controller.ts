import { Controller, Get, Inject, NotFoundException, Optional } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

/** Provided by the control plane (a string token: this library does not depend on it). */
export const PLUGINS_VIEW = 'gatehouse.plugins-view';

export interface PluginsView {
  plugins(): unknown;
}

@ApiTags('plugins')
@ApiBearerAuth()
@Controller('api/v1/plugins')
export class PluginsController {
  constructor(@Optional() @Inject(PLUGINS_VIEW) private readonly view?: PluginsView) {}

  @Get()
  @ApiOperation({
    summary: 'The translation plugins: built-in, loaded and failed',
    description:
      'sdkVersion (of this control plane), builtin (names), loaded (name, module, origin command-line or settings, file, sdkVersion, warnings), failed (module, origin, where, name, reason), restartPending (a Settings spec.plugins change that needs a restart).',
  })
  list() {
    if (!this.view) throw new NotFoundException('plugin loading is not part of this control plane');
    return this.view.plugins();
  }
}
