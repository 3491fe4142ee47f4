import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventBus } from '@app/realtime';

type Health = { status: 'ok' } | { status: 'degraded'; bus: 'down' };

@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: EventBus,
  ) {}

  /**
   * 200 once the database answers and every migration has run. Without the bus (Redis away) the
   * process still serves every request, and pushes catch up when it is back: 200, degraded, so a
   * load balancer keeps it in service.
   */
  @Get()
  async check(): Promise<Health> {
    try {
      await this.db.query('SELECT 1');
      if (await this.db.showMigrations()) throw new Error('migrations pending');
    } catch {
      throw new ServiceUnavailableException({ status: 'unavailable' });
    }
    return this.bus.state === 'up' ? { status: 'ok' } : { status: 'degraded', bus: 'down' };
  }
}
