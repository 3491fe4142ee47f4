import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { DatabaseCheck } from '@app/database';
import { EventBus } from '@app/realtime';

type Health = { status: 'ok' } | { status: 'degraded'; bus: 'down' };

@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseCheck,
    private readonly bus: EventBus,
  ) {}

  /**
   * 200 once the database answers and every migration has run. Without the bus (Redis away) the
   * process still serves every request, and pushes catch up when it is back: 200, degraded, so a
   * load balancer keeps it in service.
   */
  @Get()
  async check(): Promise<Health> {
    if (!(await this.database.isReady())) {
      throw new ServiceUnavailableException({ status: 'unavailable' });
    }
    return this.bus.state === 'up' ? { status: 'ok' } : { status: 'degraded', bus: 'down' };
  }
}
